// Progressive enhancement of a long <select data-s11-autocomplete> (the start
// form's "Your organisation", 700 options in a big partnership) into GOV.UK's
// accessible-autocomplete combobox. Without JavaScript, or where the library
// did not load, the select stays as it is and the form works the same.
//
// The select stays in the form (hidden) and is what is submitted: the
// combobox only chooses its option. An external file, not an inline script,
// so the Content Security Policy needs no exception for it.
(function () {
  'use strict'

  var autocomplete = window.accessibleAutocomplete
  if (!autocomplete || !document.querySelectorAll) return

  function optionText (option) {
    return (option.textContent || option.innerText || '').trim()
  }

  // The option whose text is exactly what the person typed or picked, else
  // the empty "Select …" option: a cleared or unmatched entry must not leave
  // an earlier choice behind to be submitted.
  function choose (select, text) {
    var wanted = (text || '').trim().toLowerCase()
    var chosen = ''
    for (var i = 0; i < select.options.length; i++) {
      var option = select.options[i]
      if (option.value && optionText(option).toLowerCase() === wanted) {
        chosen = option.value
        break
      }
    }
    select.value = chosen
  }

  // accessible-autocomplete owns the input's aria-describedby (its own
  // assistive hint); keep the field's hint and error message on it too, as
  // the select had them.
  function keepDescribedBy (input, ids) {
    if (!ids.length || !window.MutationObserver) return
    function apply () {
      var current = (input.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean)
      var missing = ids.filter(function (id) { return current.indexOf(id) === -1 })
      if (missing.length) input.setAttribute('aria-describedby', current.concat(missing).join(' '))
    }
    apply()
    new window.MutationObserver(apply).observe(input, { attributes: true, attributeFilter: ['aria-describedby'] })
  }

  var selects = document.querySelectorAll('select[data-s11-autocomplete]')
  Array.prototype.forEach.call(selects, function (select) {
    var id = select.id
    var describedBy = (select.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean)
    var hasError = select.classList.contains('govuk-select--error')

    autocomplete.enhanceSelectElement({
      selectElement: select,
      defaultValue: '',
      showAllValues: true,
      minLength: 0,
      autoselect: false,
      confirmOnBlur: false,
      displayMenu: 'overlay',
      inputClasses: hasError ? 's11-autocomplete__input--error' : null,
      tNoResults: function () { return 'No organisation found' },
      tAssistiveHint: function () {
        return 'When results are available use up and down arrows to review and enter to select. ' +
          'Touch device users, explore by touch or with swipe gestures.'
      },
      onConfirm: function (picked) {
        if (picked !== undefined) choose(select, picked)
      }
    })

    var input = document.getElementById(id)
    if (!input) return
    keepDescribedBy(input, describedBy)

    // Whatever is in the box when the form is sent decides the option.
    var form = select.form
    if (form) {
      form.addEventListener('submit', function () { choose(select, input.value) })
    }
  })
})()

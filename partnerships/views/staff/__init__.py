"""The partnership admin's pages. Every view is wrapped in
partnerships.staff.staff_required(perm)."""

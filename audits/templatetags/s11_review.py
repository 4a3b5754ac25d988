"""Template helpers of the review workspace."""

from django import template

register = template.Library()

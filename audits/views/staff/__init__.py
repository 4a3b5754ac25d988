"""The partnership's staff workspace. Every view is wrapped in
partnerships.staff.staff_required(perm)."""

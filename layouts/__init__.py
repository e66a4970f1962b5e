"""Configurable forms: per-form layouts (order, visibility, labels) and custom fields, set by
administrators for every employee at once. Apps register their forms in a `form_layouts`
module; `layouts.builder` applies the stored layout to a form instance."""

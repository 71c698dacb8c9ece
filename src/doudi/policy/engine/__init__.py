"""The rules as an OpenFisca model (docs/decisions/0005-openfisca.md).

Nothing here imports Django: the model is built from plain data (the counties and their chains of
ancestors, and the dated values a bureau added for its region), evaluated on numpy arrays, and
tested with OpenFisca's own YAML scenario files in ``engine/tests``.
"""

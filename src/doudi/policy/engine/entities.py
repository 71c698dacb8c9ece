"""The two entities: a person, and the household (共同生活家庭) they belong to."""

from openfisca_core.entities import build_entity

Person = build_entity(
    key="person",
    plural="persons",
    label="A person",
    is_person=True,
)

Household = build_entity(
    key="household",
    plural="households",
    label="A household (共同生活家庭)",
    roles=[
        {"key": "head", "plural": "heads", "label": "Head of household", "max": 1},
        {"key": "member", "plural": "members", "label": "Other member"},
    ],
)

ENTITIES = [Person, Household]

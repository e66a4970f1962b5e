"""The rights' names the code uses are the catalogue's own."""

from accounts import catalogue
from accounts.catalogue import BY_NAME, DOCUMENT_ACTIONS, DOCUMENT_TYPES, NEGATIVE_TYPES, document_right, negative_right


def test_every_named_right_is_a_catalogue_right():
    names = {
        value for key, value in vars(catalogue).items() if key.isupper() and isinstance(value, str) and "." in value
    }
    assert len(names) == 21 and names <= set(BY_NAME)
    documents = {document_right(action, doc_type) for action in DOCUMENT_ACTIONS for doc_type in DOCUMENT_TYPES}
    negative = {negative_right(doc_type) for doc_type in NEGATIVE_TYPES}
    assert names | documents | negative == set(BY_NAME)

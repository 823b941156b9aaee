from schemathesis.pytest.plugin import SchemathesisFunction


def pytest_collection_modifyitems(items):
    """Give each of Schemathesis' generated tests a node id of its own.

    Under pytest 9 they all get their function's id
    (``…::test_every_answer_is_declared``, pytest builds the brackets from
    a parametrization they do not have); pytest-xdist, which schedules and
    reports by node id, then ran one operation of the 29 and counted it once.
    """
    for item in items:
        if isinstance(item, SchemathesisFunction) and item._id.params is None:
            item._id = item._id.with_params(item.operation_label)

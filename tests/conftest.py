"""Fixtures shared by every test package come from tests/fixtures."""

pytest_plugins = ["tests.fixtures.database", "tests.fixtures.browser", "tests.fixtures.mail", "tests.fixtures.webhooks"]

"""`stackctl test`: plans (and applies) of test cases in throwaway state, and their checks.

Terraform's `terraform test` is the model: a test file holds named runs, each plans
against given variables and a given state, then asserts on the plan; with ``apply`` the
plan is applied into a temporary SQLite state and folder, never the project's own.
Nothing here prints: ``run_tests`` returns a Report that the CLI renders (and that
``junit`` turns into JUnit XML for CI).
"""

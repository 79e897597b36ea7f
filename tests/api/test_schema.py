"""The OpenAPI schema holds: schemathesis calls every operation with generated input.

Every answer must be free of server errors and match the schema. Half of the examples aim at
objects that exist (Acme's programme, run and pair), so the happy paths are checked too.
"""

import hypothesis.strategies as st
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.api.base import ApiTestCase
from twoheads.pairing.models import MatchRun, ProposedPair

EXAMPLES_PER_OPERATION = 20


@override_settings(ALLOWED_HOSTS=["localhost", "testserver"], API_RATE_LIMIT=1_000_000)
class SchemaConformanceTests(ApiTestCase):
    def setUp(self):
        super().setUp()
        self.run = MatchRun.objects.create(programme=self.programme, status="done", progress=1)
        ProposedPair.objects.create(
            run=self.run, mentor=self.p_sam, mentee=self.p_margaret, score=0.5, explanation="x"
        )
        self.known = {
            "slug": self.programme.slug,
            "run_id": self.run.pk,
            "pair_id": self.pair.pk,
            "external_id": self.p_priya.external_id,
        }

    def test_it_never_errors_and_always_answers_as_the_schema_says(self):
        # Like Django's test client: the request signals must not close the connection that
        # holds this test's transaction (on PostgreSQL that would end the transaction).
        for signal in (request_started, request_finished):
            signal.disconnect(close_old_connections)
            self.addCleanup(signal.connect, close_old_connections)
        schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
        operations = [result.ok() for result in schema.get_all_operations()]
        self.assertGreaterEqual(len(operations), 15)
        for operation in operations:
            with self.subTest(operation=operation.label):
                self.exercise(operation)

    def exercise(self, operation) -> None:
        auth = {"Authorization": f"Bearer {self.martin_token}"}

        @given(case=operation.as_strategy(), aim_at_known=st.booleans())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def check(case, aim_at_known):
            if aim_at_known and case.path_parameters:
                for name in case.path_parameters:
                    case.path_parameters[name] = self.known.get(name, case.path_parameters[name])
            response = case.call(headers=auth)
            case.validate_response(
                response, checks=[not_a_server_error, response_schema_conformance]
            )

        check()

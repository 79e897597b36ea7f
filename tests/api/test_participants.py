"""Participants through the API: Martin's HR sync, Priya's own record, Greta kept out."""

import io
from datetime import timedelta

from django.test import override_settings
from django.utils import timezone
from openpyxl import Workbook

from tests.api.base import ApiTestCase
from twoheads.participants.models import Participant
from twoheads.programmes.models import Programme

PEOPLE = "/api/v1/programmes/acme-reverse-mentoring/participants"
BULK = f"{PEOPLE}/bulk"

GOOD_CSV = (
    "id,name,email,role,level,department,offers,wants\n"
    "A300,Nina Novak,nina@acme.test,mentor,1,Design,GenAI:3,Negotiation:2\n"
    "A100,Priya Patel,priya@acme.test,mentor,3,Data,Dashboards:3,Strategy:3\n"
)


class ParticipantListTests(ApiTestCase):
    def test_it_lists_everyone_in_the_programme_for_its_manager(self):
        body = self.get(PEOPLE, self.martin_token).json()
        self.assertEqual([p["id"] for p in body["results"]], ["A100", "A200", "A101"])
        priya = body["results"][0]
        self.assertEqual(
            (priya["name"], priya["role"], priya["department"]), ("Priya Patel", "mentor", "Data")
        )

    def test_it_filters_by_role_status_department_and_update_time(self):
        self.p_sam.status = Participant.Status.LEAVER
        self.p_sam.save()

        def ids(query):
            body = self.get(f"{PEOPLE}?{query}", self.martin_token).json()
            return [p["id"] for p in body["results"]]

        self.assertEqual(ids("role=mentee"), ["A200"])
        self.assertEqual(ids("status=leaver"), ["A101"])
        self.assertEqual(ids("department=finance"), ["A200"])
        Participant.objects.filter(pk=self.p_priya.pk).update(
            updated_at=timezone.now() - timedelta(days=3)
        )
        Participant.objects.filter(pk=self.p_margaret.pk).update(
            updated_at=timezone.now() - timedelta(days=3)
        )
        since = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.assertEqual(ids(f"updated_since={since}"), ["A101"])

    def test_it_pages_through_people_without_overlap(self):
        first = self.get(f"{PEOPLE}?page_size=2", self.martin_token).json()
        second = self.get(f"{PEOPLE}?page_size=2&page=2", self.martin_token).json()
        ids = [p["id"] for p in first["results"] + second["results"]]
        self.assertEqual(sorted(ids), ["A100", "A101", "A200"])
        self.assertEqual(first["count"], 3)

    def test_it_records_each_read_of_personal_data_in_the_audit_log(self):
        self.get(f"{PEOPLE}?role=mentor", self.martin_token)
        self.get(f"{PEOPLE}/A200", self.martin_token)
        listing, single = self.audits("api.participants.read")
        self.assertEqual(listing.actor, self.martin)
        self.assertEqual(listing.details["participants"], ["A100", "A101"])
        self.assertEqual(single.details["participants"], ["A200"])

    def test_it_shows_a_participant_only_their_own_record(self):
        body = self.get(PEOPLE, self.priya_token).json()
        self.assertEqual([p["id"] for p in body["results"]], ["A100"])
        self.assertEqual(self.get(f"{PEOPLE}/A100", self.priya_token).json()["name"], "Priya Patel")
        self.assertError(self.get(f"{PEOPLE}/A200", self.priya_token), 404, "not_found")

    def test_it_hides_acme_people_from_globex(self):
        self.assertError(self.get(PEOPLE, self.greta_token), 404, "not_found")
        self.assertError(self.get(f"{PEOPLE}/A100", self.greta_token), 404, "not_found")
        self.assertEqual(self.audits("api.participants.read"), [])

    def test_it_refuses_without_a_token(self):
        self.assertError(self.get(PEOPLE), 401, "unauthorized")

    def test_it_answers_304_to_a_repeated_list(self):
        etag = self.get(PEOPLE, self.martin_token)["ETag"]
        again = self.get(PEOPLE, self.martin_token, **{"If-None-Match": etag})
        self.assertEqual(again.status_code, 304)


class BulkUpsertTests(ApiTestCase):
    def test_it_upserts_a_csv_by_id(self):
        response = self.post(BULK, GOOD_CSV, self.martin_token, content_type="text/csv")
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual((body["applied"], body["new"], body["updated"]), (True, 1, 1))
        nina = Participant.objects.get(programme=self.programme, external_id="A300")
        self.assertEqual((nina.name, nina.level), ("Nina Novak", 1))
        self.p_priya.refresh_from_db()
        self.assertEqual(self.p_priya.level, 3)
        self.assertEqual(Participant.objects.filter(programme=self.programme).count(), 4)
        [event] = self.audits("participants.import")
        self.assertEqual(event.actor, self.martin)

    def test_it_is_idempotent(self):
        self.post(BULK, GOOD_CSV, self.martin_token, content_type="text/csv")
        body = self.post(BULK, GOOD_CSV, self.martin_token, content_type="text/csv").json()
        self.assertEqual((body["new"], body["updated"], body["unchanged"]), (0, 0, 2))

    def test_it_upserts_json_rows_with_the_same_columns(self):
        rows = [
            {"id": "A300", "name": "Nina Novak", "role": "mentor", "level": 1},
            {"id": "A101", "status": "leaver"},
        ]
        body = self.post(BULK, rows, self.martin_token).json()
        self.assertEqual((body["new"], body["deactivated"]), (1, 1))
        self.p_sam.refresh_from_db()
        self.assertEqual(self.p_sam.status, "leaver")
        # A key a person leaves out keeps what is stored, as a column left out of a file does.
        sam = (self.p_sam.name, self.p_sam.role, self.p_sam.level, self.p_sam.department)
        self.assertEqual(sam, ("Sam Okafor", "mentor", 2, "Marketing"))
        nina = Participant.objects.get(external_id="A300")
        self.assertEqual((nina.status, nina.role, nina.level), ("active", "mentor", 1))

    def test_a_role_without_a_level_keeps_the_stored_level_and_a_new_person_needs_one(self):
        Participant.objects.filter(pk=self.p_sam.pk).update(role="")
        body = self.post(BULK, [{"id": "A101", "role": "mentee"}], self.martin_token).json()
        self.assertEqual(body["updated"], 1, body)
        self.p_sam.refresh_from_db()
        self.assertEqual((self.p_sam.role, self.p_sam.level), ("mentee", 2))
        # The same in a file with no level column.
        Participant.objects.filter(pk=self.p_sam.pk).update(role="")
        csv = "id,role\nA101,mentor\n"
        body = self.post(BULK, csv, self.martin_token, content_type="text/csv").json()
        self.assertEqual(body["updated"], 1, body)
        self.p_sam.refresh_from_db()
        self.assertEqual((self.p_sam.role, self.p_sam.level), ("mentor", 2))
        # A new person, or one stored without a level, still needs one; nothing is written.
        Participant.objects.filter(pk=self.p_sam.pk).update(role="", level=None)
        rows = [{"id": "A101", "role": "mentor"}, {"id": "A300", "role": "mentee"}]
        body = self.assertError(self.post(BULK, rows, self.martin_token), 400, "invalid_rows")
        # Each JSON person has their own keys: the rows are named, not the whole upload.
        problems = [(d["row"], d["column"]) for d in body["details"]]
        self.assertEqual(problems, [(1, "level"), (2, "level")])
        self.assertIn("needs a level", body["details"][0]["message"])
        rows.append({"id": "A301", "role": "mentee", "level": 5})
        body = self.assertError(self.post(BULK, rows, self.martin_token), 400, "invalid_rows")
        problems = [(d["row"], d["column"]) for d in body["details"]]
        self.assertEqual(problems, [(1, "level"), (2, "level")])
        self.p_sam.refresh_from_db()
        self.assertEqual(self.p_sam.role, "")
        # An empty level clears it, which a mentor cannot be without.
        Participant.objects.filter(pk=self.p_sam.pk).update(role="", level=2)
        rows = [{"id": "A101", "role": "mentor", "level": ""}]
        body = self.assertError(self.post(BULK, rows, self.martin_token), 400, "invalid_rows")
        self.assertEqual([(d["row"], d["column"]) for d in body["details"]], [(1, "level")])

    def test_it_upserts_an_xlsx_spreadsheet(self):
        book = Workbook()
        sheet = book.active
        sheet.append(["id", "name", "role", "level"])
        sheet.append(["A300", "Nina Novak", "mentor", 1])
        data = io.BytesIO()
        book.save(data)
        xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = self.post(BULK, data.getvalue(), self.martin_token, content_type=xlsx)
        self.assertEqual(response.json()["new"], 1, response.content)

    def test_it_previews_without_writing_on_a_dry_run(self):
        response = self.post(
            f"{BULK}?dry_run=true", GOOD_CSV, self.martin_token, content_type="text/csv"
        )
        body = response.json()
        self.assertEqual((body["applied"], body["new"], body["updated"]), (False, 1, 1))
        self.assertFalse(Participant.objects.filter(external_id="A300").exists())
        self.assertEqual(self.audits("participants.import"), [])

    def test_it_writes_nothing_when_one_row_is_bad_and_names_the_row_and_column(self):
        csv = GOOD_CSV + "A301,Omar Odd,omar@acme.test,mentor,senior,Sales,,\n"
        body = self.assertError(
            self.post(BULK, csv, self.martin_token, content_type="text/csv"), 400, "invalid_rows"
        )
        self.assertEqual(body["message"], "1 problem in the upload; nothing was written.")
        [detail] = body["details"]
        self.assertEqual((detail["row"], detail["column"]), (4, "level"))
        self.assertIn("whole number", detail["message"])
        self.assertFalse(Participant.objects.filter(external_id__in=["A300", "A301"]).exists())
        self.p_priya.refresh_from_db()
        self.assertEqual(self.p_priya.level, 2)
        self.assertEqual(self.audits("participants.import"), [])

    def test_it_lists_every_problem_in_the_file_at_once(self):
        rows = [
            {"id": "A300", "role": "teacher", "level": 1},
            {"id": "A301", "role": "mentor", "level": 1, "timezone": "Mars/Olympus"},
        ]
        body = self.assertError(self.post(BULK, rows, self.martin_token), 400, "invalid_rows")
        self.assertEqual(
            [(d["row"], d["column"]) for d in body["details"]], [(1, "role"), (2, "timezone")]
        )
        self.assertEqual(body["message"], "2 problems in the upload; nothing was written.")

    def test_it_reports_a_missing_id_column_for_the_whole_file(self):
        body = self.assertError(
            self.post(BULK, "name,role\nNina,mentor\n", self.martin_token, content_type="text/csv"),
            400,
            "invalid_rows",
        )
        self.assertIn('"id"', body["details"][0]["message"])
        self.assertNotIn("row", body["details"][0])

    def test_a_body_of_another_type_is_refused_naming_the_three_it_takes(self):
        for content_type in ("application/xml", "application/octet-stream"):
            response = self.post(BULK, GOOD_CSV, self.martin_token, content_type=content_type)
            body = self.assertError(response, 415, "unsupported_media_type")
            self.assertIn("text/csv, application/json or", body["message"])
        self.assertFalse(Participant.objects.filter(external_id="A300").exists())
        response = self.post(BULK, GOOD_CSV, self.martin_token, content_type="text/plain")
        self.assertEqual(response.status_code, 200, response.content)

    def test_an_hr_id_with_a_slash_is_read_back(self):
        rows = b"id,name,role,level\nHR/7,Sol,mentor,2\n"
        response = self.post(BULK, rows, self.martin_token, content_type="text/csv")
        self.assertEqual(response.status_code, 200, response.content)
        body = self.get(f"{PEOPLE}/HR/7", self.martin_token).json()
        self.assertEqual((body["id"], body["name"]), ("HR/7", "Sol"))

    def test_a_closed_programme_takes_no_sync_and_says_so_as_a_conflict(self):
        Programme.objects.filter(pk=self.programme.pk).update(status="closed")
        response = self.post(BULK, GOOD_CSV, self.martin_token, content_type="text/csv")
        body = self.assertError(response, 409, "conflict")
        self.assertIn("is closed", body["message"])
        self.assertFalse(Participant.objects.filter(external_id="A300").exists())

    def test_it_reports_an_empty_body(self):
        self.assertError(
            self.post(BULK, b"", self.martin_token, content_type="text/csv"), 400, "invalid_rows"
        )

    @override_settings(IMPORT_MAX_BYTES=100)
    def test_it_answers_413_for_an_upload_over_the_limit(self):
        response = self.post(BULK, GOOD_CSV * 3, self.martin_token, content_type="text/csv")
        body = self.assertError(response, 413, "too_large")
        self.assertIn("100 bytes", body["message"])
        self.assertFalse(Participant.objects.filter(external_id="A300").exists())

    def test_it_hides_the_programme_from_globex(self):
        response = self.post(BULK, GOOD_CSV, self.greta_token, content_type="text/csv")
        self.assertError(response, 404, "not_found")
        self.assertFalse(Participant.objects.filter(external_id="A300").exists())

    def test_it_forbids_a_participant_to_upload(self):
        response = self.post(BULK, GOOD_CSV, self.priya_token, content_type="text/csv")
        self.assertError(response, 403, "forbidden")

    def test_it_refuses_without_a_token(self):
        self.assertError(self.post(BULK, GOOD_CSV, content_type="text/csv"), 401, "unauthorized")


class ChunkedUploadTests(ApiTestCase):
    """Many HTTP clients stream an upload in chunks, with no Content-Length. gunicorn ends
    the stream where the body ends and says so (wsgi.input_terminated)."""

    def post_chunked(self, stream: io.BytesIO, terminated: bool = True):
        environ = {"wsgi.input": stream, "HTTP_TRANSFER_ENCODING": "chunked"}
        if terminated:
            environ["wsgi.input_terminated"] = True
        headers = {"Authorization": f"Bearer {self.martin_token}"}
        response = self.client.generic(
            "POST", BULK, b"", headers=headers, CONTENT_TYPE="text/csv", **environ
        )
        self.assertNotIn("CONTENT_LENGTH", response.wsgi_request.META)
        return response

    def test_it_reads_a_chunked_upload(self):
        response = self.post_chunked(io.BytesIO(GOOD_CSV.encode()))
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual((response.json()["new"], response.json()["updated"]), (1, 1))
        self.assertTrue(Participant.objects.filter(external_id="A300").exists())

    @override_settings(IMPORT_MAX_BYTES=100)
    def test_it_answers_413_for_a_chunked_upload_over_the_limit_reading_no_further(self):
        stream = io.BytesIO((GOOD_CSV * 3).encode())
        response = self.post_chunked(stream)
        body = self.assertError(response, 413, "too_large")
        self.assertIn("100 bytes", body["message"])
        self.assertEqual(stream.tell(), 101)
        self.assertFalse(Participant.objects.filter(external_id="A300").exists())

    def test_it_asks_for_a_length_where_the_server_cannot_end_a_chunked_body(self):
        response = self.post_chunked(io.BytesIO(GOOD_CSV.encode()), terminated=False)
        body = self.assertError(response, 411, "length_required")
        self.assertIn("Content-Length", body["message"])
        self.assertFalse(Participant.objects.filter(external_id="A300").exists())

    def test_it_answers_400_for_chunks_that_stop_short(self):
        class BrokenOff(io.BytesIO):
            def read(self, size=-1):
                raise ValueError("Invalid chunk terminator is not '\\r\\n'")

        body = self.assertError(self.post_chunked(BrokenOff()), 400, "invalid")
        self.assertIn("send it again", body["message"])
        self.assertFalse(Participant.objects.filter(external_id="A300").exists())

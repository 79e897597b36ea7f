"""Pairs are made before a programme starts: a matching date after the start date is refused
at the matching date, naming both dates."""

from datetime import date

from django.test import SimpleTestCase

from twoheads.programmes.models import date_order_problems

MESSAGE = "The matching date must be on or before the start date: pairs are made first."


class MatchingDateTests(SimpleTestCase):
    def test_it_refuses_matching_after_the_start(self):
        problems = date_order_problems(
            date(2027, 2, 1), date(2027, 3, 15), date(2027, 3, 1), date(2027, 12, 1)
        )
        self.assertEqual(problems, {"matching_on": MESSAGE})

    def test_matching_on_the_start_day_or_before_is_fine(self):
        for matching in (date(2027, 3, 1), date(2027, 2, 15)):
            problems = date_order_problems(
                date(2027, 2, 1), matching, date(2027, 3, 1), date(2027, 12, 1)
            )
            self.assertEqual(problems, {})

    def test_with_no_start_date_any_matching_date_before_the_end_is_fine(self):
        self.assertEqual(date_order_problems(None, date(2027, 6, 1), None, None), {})

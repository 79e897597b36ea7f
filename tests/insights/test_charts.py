"""The SVG charts: labelled for screen readers, legible on paper, honest about missing data."""

import xml.etree.ElementTree as ET
from itertools import pairwise

from django.test import SimpleTestCase

from twoheads.insights import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


class ChartTests(SimpleTestCase):
    def test_it_labels_a_bar_chart_with_title_description_axis_and_values(self):
        svg = charts.bar_chart(
            "c1",
            "Ratings <both> ways",
            "Average rating & more.",
            ["Listened", "Learned"],
            [("Mentors", [4.5, 3.0]), ("Mentees", [None, 2.25])],
            axis_label="Average rating",
            max_value=5,
        )
        root = parse(svg)
        self.assertEqual(root.get("role"), "img")
        self.assertEqual(root.get("aria-labelledby"), "c1-title c1-desc")
        self.assertEqual(root.find(f"{SVG}title").text, "Ratings <both> ways")
        self.assertEqual(root.find(f"{SVG}desc").text, "Average rating & more.")
        texts = [t.text for t in root.iter(f"{SVG}text")]
        for expected in (
            "Listened",
            "Learned",
            "Mentors",
            "Mentees",
            "Average rating",
            "4.50",
            "2.25",
            "n/a",
            "5",
        ):
            self.assertIn(expected, texts)
        self.assertNotIn("No data yet", texts)

    def test_it_draws_a_histogram_with_counts_above_the_bars(self):
        root = parse(
            charts.histogram(
                "h", "Scores", "d", ["0.0", "0.1"], [3, 0], x_label="Score", y_label="Pairs"
            )
        )
        texts = [t.text for t in root.iter(f"{SVG}text")]
        self.assertEqual(len(root.findall(f"{SVG}rect")), 2)
        self.assertIn("3", texts)
        self.assertIn("Pairs", texts)
        self.assertIn("Score", texts)

    def test_it_breaks_a_line_where_a_value_is_missing(self):
        root = parse(
            charts.line_chart(
                "l",
                "Trend",
                "d",
                ["a", "b", "c", "d", "e"],
                [("One", [1, 2, None, 3, 4]), ("Two", [None, None, 1, None, None])],
                x_label="Week",
                y_label="Meetings",
            )
        )
        lines = root.findall(f"{SVG}polyline")
        self.assertEqual(len(lines), 2)  # two stretches of the first series; a lone point has none
        self.assertEqual(lines[0].get("stroke-dasharray"), "")
        self.assertEqual(len(root.findall(f"{SVG}circle")), 4)
        self.assertEqual(len(root.findall(f"{SVG}rect")), 1)  # the second series' marker

    def test_it_says_when_there_is_nothing_to_draw(self):
        for svg in (
            charts.bar_chart("b", "t", "d", ["x"], [("s", [0])], axis_label="a"),
            charts.histogram("h", "t", "d", ["x"], [0], x_label="a", y_label="b"),
            charts.line_chart("l", "t", "d", [], [("s", [])], x_label="a", y_label="b"),
        ):
            self.assertIn("No data yet", [t.text for t in parse(svg).iter(f"{SVG}text")])

    def test_a_legend_too_long_for_one_row_goes_on_to_another_and_the_chart_grows(self):
        names = [
            "We work well together",
            "We can talk openly, both ways",
            "I am getting something out of it",
        ]
        one_row = parse(
            charts.line_chart(
                "l", "t", "d", ["a", "b"], [("A", [1, 2]), ("B", [2, 1])], x_label="x", y_label="y"
            )
        )
        root = parse(
            charts.line_chart(
                "l",
                "t",
                "d",
                ["a", "b"],
                [(name, [1, 2]) for name in names],
                x_label="x",
                y_label="y",
            )
        )
        legend = {t.text: t for t in root.iter(f"{SVG}text") if t.text in names}
        for name, text in legend.items():
            # About 7.5 pixels a character at the legend's size.
            self.assertLessEqual(float(text.get("x")) + 7.5 * len(name), charts.WIDTH, name)
        rows = sorted({float(t.get("y")) for t in legend.values()})
        self.assertEqual(len(rows), 2)
        self.assertEqual(
            int(root.get("viewBox").split()[3]) - int(one_row.get("viewBox").split()[3]),
            charts.LEGEND_ROW,
        )

    def test_the_last_date_is_always_written_and_never_on_top_of_another(self):
        for count in range(1, 40):
            labels = [f"w{i}" for i in range(count)]
            root = parse(
                charts.line_chart(
                    "l", "t", "d", labels, [("s", [1] * count)], x_label="x", y_label="y"
                )
            )
            written = [t for t in root.iter(f"{SVG}text") if t.text in labels]
            self.assertEqual(written[0].text, "w0")
            self.assertEqual(written[-1].text, f"w{count - 1}")
            self.assertLessEqual(len(written), 9)
            xs = [float(t.get("x")) for t in written]
            if len(xs) > 1:
                self.assertGreaterEqual(min(b - a for a, b in pairwise(xs)), 40, count)

    def test_a_line_chart_writes_each_points_value_above_it(self):
        root = parse(
            charts.line_chart(
                "l",
                "t",
                "d",
                ["Feb", "Mar"],
                [("Relationship", [3.0, 4.25]), ("Openness", [None, 2.5])],
                x_label="Month",
                y_label="Answer",
                y_max=5,
            )
        )
        values = [t.text for t in root.iter(f"{SVG}text") if t.get("fill") == "#222"]
        self.assertEqual(sorted(values), ["2.5", "3", "4.25"])

    def test_a_single_month_of_three_answers_shows_each_value_once_in_the_middle(self):
        """One month of check-ins: 3 for the relationship, 4 for openness and for benefit. The
        points stand in the middle of the chart, not on its axis; the two 4s meet, so 4 is
        written once, and 3 below it, apart."""
        root = parse(
            charts.line_chart(
                "l",
                "t",
                "d",
                ["Mar 2026"],
                [("Relationship", [3.0]), ("Openness", [4.0]), ("Benefit", [4.0])],
                x_label="Month",
                y_label="Answer",
                y_max=5,
            )
        )
        marks = [float(c.get("cx")) for c in root.iter(f"{SVG}circle")]
        self.assertGreater(marks[0], 56 + 100)
        values = {t.text: t for t in root.iter(f"{SVG}text") if t.get("fill") == "#222"}
        self.assertEqual(sorted(values), ["3", "4"])
        self.assertGreater(float(values["3"].get("y")), float(values["4"].get("y")) + 10)
        month = next(t for t in root.iter(f"{SVG}text") if t.text == "Mar 2026")
        self.assertEqual(float(month.get("x")), marks[0])

    def test_values_close_together_are_written_apart(self):
        series = [("A", [3.0]), ("B", [3.1])]
        root = parse(charts.line_chart("l", "t", "d", ["a"], series, x_label="x", y_label="y"))
        ys = sorted(float(t.get("y")) for t in root.iter(f"{SVG}text") if t.get("fill") == "#222")
        self.assertEqual(len(ys), 2)
        self.assertGreaterEqual(ys[1] - ys[0], charts.VALUE_GAP)

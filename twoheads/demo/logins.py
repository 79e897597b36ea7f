"""The demo's sign-in details, shared by the seeding command and `twoheads demo_logins`."""

DEMO_PASSWORD = "twoheads-demo"

DEMO_LOGINS = [
    ("Programme manager", "helen.carter@northwind.example"),
    ("Junior reverse mentor", "aisha.khan@northwind.example"),
    ("Senior mentee", "richard.hale@northwind.example"),
    ("Organisation admin", "samir.rahman@northwind.example"),
    ("Partner's manager", "grace.obi@harbourhealth.example"),
]

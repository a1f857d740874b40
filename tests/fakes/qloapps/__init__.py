"""A fake QloApps 1.6.1 webservice, faithful to /work/shared/reference/qloapps-api.md.

It serves the demo install's data over real HTTP (`ThreadedServer`), keeps bookings in memory
and speaks the documented shapes with their quirks: Basic-auth key, XML output unless
`output_format=JSON`, `display`/`filter[...]` lists (`[]` when empty), an XML-only `hotel_ari`
that does not filter by occupancy and quotes automatic services, `adult`/`child` singular in
bookings, automatic services dropped from bookings unless listed, PUT with the id in the body
and the full desired state, cancellation as `booking_status: 3`. Faults: `fail_next`,
`delay_next`, `html_next`, `malformed_json_next`, `drop_next`, `down`/`up`; every request is
logged.

    with FakeQloApps() as fake:
        client = QloAppsClient(http, base_url=fake.base_url, api_key=DEMO_KEY)
        fake.fail_next(500, after_write=True, on="POST bookings")
"""

from tests.fakes.qloapps.server import DEMO_KEY, FakeQloApps, RecordedRequest

__all__ = ["DEMO_KEY", "FakeQloApps", "RecordedRequest"]

"""The workspace's routes, one list per package, under the ``reviews`` namespace.

Each feature package keeps its own routes; adding a feature adds one line here.
"""

from reviews.blocks import urls as blocks
from reviews.core import urls as core
from reviews.evidence import urls as evidence
from reviews.outside import urls as outside
from reviews.readability import urls as readability
from reviews.schedule import urls as schedule
from reviews.versions import urls as versions

app_name = "reviews"

urlpatterns = [
    *core.urlpatterns,
    *outside.urlpatterns,
    *schedule.urlpatterns,
    *evidence.urlpatterns,
    *readability.urlpatterns,
    *blocks.urlpatterns,
    *versions.urlpatterns,
]

"""The frozen app's tests run only from `make test-package` (after `make
package` has built dist/caseworker/), which names the app in
$CASEWORKER_FROZEN_APP; `make test` leaves them to it, and .ci/run runs both."""

import os

if not os.environ.get("CASEWORKER_FROZEN_APP"):
    collect_ignore = ["test_frozen_app.py"]

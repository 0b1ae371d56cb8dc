"""Generated warehouses: the deterministic demo, and the NHS-scale one for capacity checks."""
from etl.demo.demo import *  # noqa: F401,F403
from etl.demo.demo import DEMO_AS_OF, DEMO_SALT, _checked_records, _slug, build_demo, generate, generate_teams  # noqa: F401

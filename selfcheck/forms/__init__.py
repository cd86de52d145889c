"""Forms, one module per page family, mirroring ``selfcheck.views``."""

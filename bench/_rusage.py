"""Run ``manage.py`` with the given arguments and, at exit, write the peak memory of
this process and of its (parser) children to stderr as one JSON line.

    python bench/_rusage.py import_roster FILE --campaign bench --json
"""

import atexit
import json
import resource
import runpy
import sys
from pathlib import Path


def _report() -> None:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    sys.stderr.write("\n" + json.dumps({"process_mb": round(own, 1), "parser_child_mb": round(children, 1)}) + "\n")


atexit.register(_report)
manage = Path(__file__).resolve().parent.parent / "manage.py"
sys.argv = [str(manage), *sys.argv[1:]]
sys.path.insert(0, str(manage.parent))
runpy.run_path(str(manage), run_name="__main__")

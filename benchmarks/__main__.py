import os
import sys

# Textual reads its frame rate once, at import: --fps must reach the environment before
# anything imports textual (the child processes inherit it too).
for index, arg in enumerate(sys.argv):
    if arg.startswith("--fps="):
        os.environ["TEXTUAL_FPS"] = arg.partition("=")[2]
    elif arg == "--fps" and index + 1 < len(sys.argv):
        os.environ["TEXTUAL_FPS"] = sys.argv[index + 1]

from benchmarks.run import main  # noqa: E402

sys.exit(main())

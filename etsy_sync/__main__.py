import sys

from etsy_sync.cli import main
from mockups.commandline import quiet_when_the_reader_leaves

with quiet_when_the_reader_leaves():
    status = main()
sys.exit(status)

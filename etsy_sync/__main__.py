import sys

from etsy_sync.cli import main

sys.exit(main())

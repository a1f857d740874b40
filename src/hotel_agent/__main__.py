import sys

from hotel_agent.cli import main

sys.exit(main())

from instructor_app.cli import main

raise SystemExit(main())

"""Qt's own user-visible strings, marked so Babel extracts them into our catalogs.

``ui.translator.GettextTranslator`` answers Qt's ``tr()`` look-ups with ``_(source)``; these are
the source texts Qt 6.11.3 (the pinned version) asks for in the widgets the app uses (checked by
recording every look-up of a running app: the standard buttons, the wizard in ModernStyle, the
line-edit and text-edit context menus, spin-box and shortcut names, Qt's own file dialog). Never
imported for its values at run time.
"""

from instructor_app.i18n import N_

# QPlatformTheme: standard buttons of QDialogButtonBox / QMessageBox.
STANDARD_BUTTONS = (
    N_("OK"), N_("Cancel"), N_("Close"), N_("Apply"), N_("Save"), N_("Save All"), N_("Open"),
    N_("Discard"), N_("Help"), N_("Reset"), N_("Restore Defaults"), N_("Abort"), N_("Retry"),
    N_("Ignore"), N_("&Yes"), N_("&No"), N_("Yes to &All"), N_("N&o to All"),
)

# QWizard (the app forces ModernStyle on every platform, so these are the texts shown).
WIZARD_BUTTONS = (
    N_("< &Back"), N_("&Next >"), N_("&Finish"), N_("Commit"), N_("&Help"),
)

# QLineEdit and QWidgetTextControl (text edits): the right-click menu.
CONTEXT_MENU = (
    N_("&Undo"), N_("&Redo"), N_("Cu&t"), N_("&Copy"), N_("&Paste"), N_("Delete"), N_("Select All"),
)

# QShortcut: key names in shortcut texts shown in menus (e.g. "Ctrl+L").
SHORTCUT_KEYS = (N_("Ctrl"), N_("Shift"), N_("Alt"))

# QFileDialog / QFileSystemModel (Qt's own file dialog, used where the platform has none).
FILE_DIALOG = (
    N_("&Look in:"), N_("File &name:"), N_("Files of &type:"), N_("&Open"), N_("&Save"),
    N_("All Files (*)"), N_("Back"), N_("Forward"), N_("Parent Directory"), N_("Create New Folder"),
    N_("&New Folder"), N_("Detail View"), N_("List View"), N_("&Delete"), N_("&Rename"),
    N_("Show &hidden files"), N_("Name"), N_("Size"), N_("Type"), N_("Date Modified"),
    N_("Computer"), N_("Folder"), N_("Drive"),
)

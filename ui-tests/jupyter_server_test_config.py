"""Server configuration for the UI tests only.

galata's helper turns off the token and the XSRF check (galata needs that) and exposes the app
object to the page; never use this configuration outside tests.
"""

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821
c.ServerApp.disable_check_xsrf = True  # noqa: F821 - galata's requests carry no XSRF token
c.LanguageServerManager.autodetect = False  # noqa: F821

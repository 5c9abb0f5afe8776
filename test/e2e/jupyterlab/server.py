"""
The Jupyter server side of the JupyterLab test page: Debian's jupyter_server and jupyterlab_server
serving one page, /relu-ae-lab/notebooks/<path>?mode=run|view, that loads the bundled notebook
panel (test/e2e/jupyterlab/app) for the notebook at <path> under the server's root folder.
Everything else (contents, sessions, kernels, the files under /files/) is the stock server's.

The page is rendered from a template so that the server sets its XSRF cookie on it, as JupyterLab's
own page does. Started by test/e2e/jupyterlab/server.ts:

    python3 server.py --bundle-folder=DIR [jupyter server options]
"""

import os
import sys

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.extension.handler import ExtensionHandlerJinjaMixin, ExtensionHandlerMixin
from jupyter_server.utils import url_path_join
from jupyterlab_server import LabServerApp
from tornado import web

HERE = os.path.dirname(os.path.abspath(__file__))


def _bundle_folder():
    """The bundle's folder from --bundle-folder=DIR, which is removed from the arguments."""
    for argument in list(sys.argv[1:]):
        if argument.startswith("--bundle-folder="):
            sys.argv.remove(argument)
            return argument.split("=", 1)[1]
    sys.exit("server.py needs --bundle-folder=DIR")


BUNDLE_FOLDER = _bundle_folder()


class NotebookPageHandler(ExtensionHandlerJinjaMixin, ExtensionHandlerMixin, JupyterHandler):
    """The page for one notebook."""

    @web.authenticated
    def get(self, path):
        mode = self.get_argument("mode", "run")
        if mode not in ("run", "view"):
            raise web.HTTPError(400, "mode must be run or view")
        page_config = {
            "appName": "relu-ae-lab JupyterLab harness",
            "baseUrl": self.base_url,
            "wsUrl": self.ws_url,
            "token": self.settings["token"],
            "notebookPath": path,
            "mode": mode,
            "fullStaticUrl": url_path_join(self.base_url, "static", self.name),
        }
        self.write(self.render_template("page.html", page_config=page_config))


def _jupyter_server_extension_points():
    return [{"module": __name__, "app": HarnessApp}]


class HarnessApp(LabServerApp):
    # jupyter_server finds a launched extension by its module's name.
    name = __name__
    extension_url = "/relu-ae-lab"
    default_url = "/relu-ae-lab"
    app_name = "relu-ae-lab JupyterLab harness"
    load_other_extensions = False
    static_dir = BUNDLE_FOLDER
    templates_dir = os.path.join(HERE, "templates")

    def initialize_handlers(self):
        self.handlers.append(("/relu-ae-lab/notebooks/(.*)", NotebookPageHandler))


if __name__ == "__main__":
    HarnessApp.launch_instance()

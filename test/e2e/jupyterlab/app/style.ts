// JupyterLab's own stylesheets, so outputs look and lay out as in JupyterLab (tables, prompts, errors).
import '@jupyterlab/application/style/index.css';
import '@jupyterlab/codemirror/style/index.css';
import '@jupyterlab/notebook/style/index.css';
import '@jupyterlab/theme-light-extension/style/theme.css';
import './page.css';

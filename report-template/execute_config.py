"""nbconvert configuration for `npm run report` (loaded with `--config`).

It runs the notebook on the project's tslab kernel without a per-cell time limit, with an
ExecutePreprocessor that
- injects the build's parameters (RELU_AE_REPORT_PARAMETERS, a JSON object) as a cell tagged
  `injected-parameters` right after the cell tagged `parameters`, as papermill does, so a notebook
  is parameterized without environment variables;
- numbers executed cells where the kernel sent no execute_input message (unpatched tslab; the project's
  patch sends it, see patches/), so nbclient would leave the counts empty;
- when a cell fails, writes the cell's source and its real error text to the JSON file named by
  RELU_AE_REPORT_FAILURE_FILE. Unpatched tslab answers a failed cell with an empty error message and
  writes the text to stderr; the patched one sends an error output. Both are collected.
The parameters cells are left out of the page: the setup line each notebook prints says what ran.
"""
import json
import os
import re

import nbformat

from nbclient.exceptions import CellExecutionError
from nbconvert.preprocessors import ExecutePreprocessor

ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def cell_error_text(cell):
    """The stderr streams and error outputs of a cell, as one plain string."""
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream" and output.get("name") == "stderr":
            parts.append(output.get("text", ""))
        elif output.get("output_type") == "error":
            traceback = "\n".join(output.get("traceback", []))
            parts.append(traceback or "{}: {}".format(output.get("ename", ""), output.get("evalue", "")))
    return ANSI_ESCAPE.sub("", "".join(parts)).strip()


def typescript_literal(value):
    """A JSON value as a TypeScript literal (JSON's syntax is TypeScript's for these values)."""
    return json.dumps(value)


def inject_parameters(nb, parameters):
    """Adds `name = value;` lines after the cell tagged `parameters` (papermill's convention);
    returns the injected cell's index, or None."""
    if not parameters:
        return None
    for position, cell in enumerate(nb.cells):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            source = "\n".join("{} = {};".format(name, typescript_literal(value)) for name, value in parameters.items())
            injected = nbformat.v4.new_code_cell(source="// Parameters injected by the report build.\n" + source)
            injected.metadata["tags"] = ["injected-parameters"]
            nb.cells.insert(position + 1, injected)
            return position + 1
    raise ValueError("the notebook has no cell tagged 'parameters' to inject {} after".format(sorted(parameters)))


class ReportExecutePreprocessor(ExecutePreprocessor):
    def preprocess(self, nb, resources=None, km=None):
        self.injected_at = inject_parameters(nb, json.loads(os.environ.get("RELU_AE_REPORT_PARAMETERS", "{}")))
        self.report_execution_count = 0
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell, resources, index):
        if cell.get("cell_type") == "code" and cell.get("source", "").strip():
            self.report_execution_count += 1
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
            if cell.get("cell_type") == "code" and cell.get("execution_count") is None and cell.get("source", "").strip():
                cell["execution_count"] = self.report_execution_count
        except CellExecutionError as error:
            failure_file = os.environ.get("RELU_AE_REPORT_FAILURE_FILE")
            if failure_file:
                with open(failure_file, "w", encoding="utf-8") as handle:
                    # The index in the notebook as written, before the injected cell.
                    written_index = index - 1 if self.injected_at is not None and index > self.injected_at else index
                    json.dump({"cellIndex": written_index, "source": cell.get("source", ""),
                               "errorText": cell_error_text(cell),
                               # What the kernel answered and which outputs arrived, for failures
                               # that come without any error text.
                               "kernelReply": str(error)[-2000:],
                               "outputTypes": [output.get("output_type") for output in cell.get("outputs", [])]}, handle)
            raise
        return cell, resources


c = get_config()  # noqa: F821 -- traitlets provides get_config to config files.
c.HTMLExporter.default_preprocessors = [
    "nbconvert.preprocessors.RegexRemovePreprocessor",
    "nbconvert.preprocessors.ClearOutputPreprocessor",
    ReportExecutePreprocessor,
    # After execution: the parameters cells must run before they are left out of the page.
    "nbconvert.preprocessors.TagRemovePreprocessor",
    # After execution, as in nbconvert's own list: tslab sends many small stream messages, which
    # would otherwise become many <pre> blocks.
    "nbconvert.preprocessors.coalesce_streams",
    "nbconvert.preprocessors.HighlightMagicsPreprocessor",
    "nbconvert.preprocessors.ExtractOutputPreprocessor",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
]
c.ReportExecutePreprocessor.enabled = True
c.ReportExecutePreprocessor.kernel_name = "tslab"
c.ReportExecutePreprocessor.timeout = None
# Outputs stay inside the HTML (images as data: URLs), never as side files.
c.ExtractOutputPreprocessor.enabled = False
c.TagRemovePreprocessor.enabled = True
c.TagRemovePreprocessor.remove_cell_tags = {"parameters", "injected-parameters"}
# A cell whose output opens the page (the verdict box) shows without its few lines of setup code.
c.TagRemovePreprocessor.remove_input_tags = {"report-hide-input"}

"""nbconvert configuration for `npm run report` (loaded with `--config`).

It runs the notebook on the project's tslab kernel without a per-cell time limit, and replaces
nbconvert's ExecutePreprocessor with one that, when a cell fails, writes the cell's source and its
real error text to the JSON file named by RELU_AE_REPORT_FAILURE_FILE. tslab answers a failed cell
with an empty error message; the text a person needs is in the cell's stderr and error outputs, so
without this the report script could only say "<Error>:".
"""
import json
import os
import re

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


class ReportExecutePreprocessor(ExecutePreprocessor):
    def preprocess_cell(self, cell, resources, index):
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except CellExecutionError as error:
            failure_file = os.environ.get("RELU_AE_REPORT_FAILURE_FILE")
            if failure_file:
                with open(failure_file, "w", encoding="utf-8") as handle:
                    json.dump({"cellIndex": index, "source": cell.get("source", ""),
                               "errorText": cell_error_text(cell),
                               # What the kernel answered and which outputs arrived, for failures
                               # that come without any error text.
                               "kernelReply": str(error)[-2000:],
                               "outputTypes": [output.get("output_type") for output in cell.get("outputs", [])]}, handle)
            raise
        return cell, resources


c = get_config()  # noqa: F821 -- traitlets provides get_config to config files.
c.HTMLExporter.default_preprocessors = [
    "nbconvert.preprocessors.TagRemovePreprocessor",
    "nbconvert.preprocessors.RegexRemovePreprocessor",
    "nbconvert.preprocessors.ClearOutputPreprocessor",
    ReportExecutePreprocessor,
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
# Outputs stay inside the HTML (SVG in text/html, images as data: URLs), never as side files.
c.ExtractOutputPreprocessor.enabled = False

"""
Runs a few cells on the project's tslab kernel through jupyter_client, as a Jupyter front end
sends them, and prints one JSON object: per step, the execute reply and the IOPub messages of that
request (type and content), and the reply to a history request. Used by tslab.test.ts.

    JUPYTER_PATH=.jupyter-local/share/jupyter python3 tslab_session.py NOTEBOOK_FOLDER
"""
import json
import sys

from jupyter_client.manager import start_new_kernel

TIMEOUT = 120

THROWING_CELL = """const limit: number = 1;

function check(value: number) {
  if (value > 0) throw new RangeError("value must not be positive: " + value);
  return value;
}
check(limit);"""

ASYNC_THROWING_CELL = """await new Promise((done) => setTimeout(done, 10));
const holder: { inner?: { value: number } } = {};
holder.inner!.value;"""


def main():
    kernel_manager, client = start_new_kernel(kernel_name="tslab", cwd=sys.argv[1], startup_timeout=TIMEOUT)
    try:
        def messages_of(message_id):
            messages = []
            while True:
                message = client.get_iopub_msg(timeout=TIMEOUT)
                if message["parent_header"].get("msg_id") != message_id:
                    continue
                if message["msg_type"] == "status":
                    if message["content"]["execution_state"] == "idle":
                        break
                    continue
                messages.append({"type": message["msg_type"], "content": message["content"]})
            reply = client.get_shell_msg(timeout=TIMEOUT)
            while reply["parent_header"].get("msg_id") != message_id:
                reply = client.get_shell_msg(timeout=TIMEOUT)
            return {"reply": reply["content"], "messages": messages}

        steps = {}
        steps["throwing"] = messages_of(client.execute(THROWING_CELL))
        steps["async_throwing"] = messages_of(client.execute(ASYNC_THROWING_CELL))
        steps["compile_error"] = messages_of(client.execute('let count: number = "three";'))
        steps["value"] = messages_of(client.execute("[1, 2].map((value) => value * 21)"))
        messages_of(client.execute('function failLater(): never {\n  throw new Error("from an earlier cell");\n}'))
        steps["earlier_cell"] = messages_of(client.execute("failLater();"))
        steps["library_error"] = messages_of(client.execute(
            'import * as lab from "../dist/lib";\nlab.resolveAutoencoderSpec({ hiddenActivation: { name: "leakyRelu", alpha: 0.3 } } as any);'))
        # "Run All": the second request is sent before the first one's error comes back.
        first = client.execute('throw new Error("stops the run")')
        second = client.execute('"queued behind the error"')
        steps["run_all_error"] = messages_of(first)
        steps["run_all_next"] = messages_of(second)
        # A cell run right after the error's reply (a person pressing Shift-Enter again).
        steps["after_error"] = messages_of(client.execute('"runs after the error"'))
        client.history(hist_access_type="tail", n=2)
        steps["history"] = client.get_shell_msg(timeout=TIMEOUT)["content"]
        print(json.dumps(steps))
    finally:
        client.stop_channels()
        kernel_manager.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()

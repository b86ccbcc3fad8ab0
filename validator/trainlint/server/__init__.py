"""The language server (`trainlint server`): the engine's diagnostics, fixes and knowledge in an editor.

Built on pygls and lsprotocol, the optional extra `trainlint[server]`; `app.py` wires the protocol,
the other modules each hold one feature. See docs/server.md.
"""

"""A TCP forwarder on loopback that can be switched off: a store going away."""

import contextlib
import select
import socket
import threading


class TcpSwitch:
    """Forward 127.0.0.1:``port`` to ``target`` while on.

    Off, nothing listens on the port (connections are refused) and every
    forwarded connection is cut, as when a server restarts.
    """

    def __init__(self, target: tuple[str, int]):
        from tests.helpers import free_port

        self.target = target
        self.port = free_port()
        self.listener: socket.socket | None = None
        self.connections: set[socket.socket] = set()
        self.lock = threading.Lock()

    def on(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def off(self) -> None:
        with self.lock:
            listener, self.listener = self.listener, None
            sockets, self.connections = self.connections, set()
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        for sock in sockets:  # the forwarding thread wakes up and closes it
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:  # switched off
                return
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self.lock:
                if self.listener is not listener:
                    client.close()
                    server.close()
                    return
                self.connections.update((client, server))
            threading.Thread(
                target=self._forward, args=(client, server), daemon=True
            ).start()

    def _forward(self, client: socket.socket, server: socket.socket) -> None:
        pair = {client: server, server: client}
        try:
            while True:
                readable, _, _ = select.select(list(pair), [], [])
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    pair[sock].sendall(data)
        except OSError:
            pass
        finally:
            with self.lock:
                self.connections.difference_update(pair)
            for sock in pair:
                sock.close()

import type { Socket } from "../../src/transport/connect.ts";

/**
 * The far end of one benchmark connection. Its first byte picks the test: "p" echoes everything back
 * (ping-pong, request/response), "s" counts a stream and answers one byte ("k") once the number of bytes
 * announced by the 8-byte length that follows has arrived.
 */
export function echoOrCount(socket: Socket): void {
  let mode = "";
  let want = -1;
  let got = 0;
  socket.on("data", (data: Buffer) => {
    let chunk = data;
    if (mode === "") {
      mode = String.fromCharCode(chunk[0]!);
      chunk = chunk.subarray(1);
    }
    if (mode === "p") {
      socket.write(chunk);
      return;
    }
    if (want < 0 && chunk.length >= 8) {
      want = Number(chunk.readBigUInt64LE(0));
      chunk = chunk.subarray(8);
    }
    got += chunk.length;
    if (want >= 0 && got >= want) {
      socket.write("k");
      got -= want;
      want = -1;
    }
  });
  socket.on("error", () => {});
}

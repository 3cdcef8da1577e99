// A one-file HTTP server: the guest's only application.
const http = require("node:http");
const os = require("node:os");

const port = Number(process.env.PORT || 8080);
const server = http.createServer((request, response) => {
  response.writeHead(200, { "content-type": "text/plain" });
  response.end(`hello from ${os.hostname()} on node ${process.version} (${request.method} ${request.url})\n`);
});
server.listen(port, "0.0.0.0", () => console.log(`node-hello listening on ${port}`));

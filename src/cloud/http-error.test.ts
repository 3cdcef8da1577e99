import assert from "node:assert/strict";
import { test } from "node:test";
import { glanceRoot } from "./cloud-session.ts";
import { httpError, reasonOf } from "./http-error.ts";

/** Glance 25.1 (Zed) error page, as recorded from DELETE of a protected image. */
const GLANCE_403 = `<html>
 <head>
  <title>403 Forbidden</title>
 </head>
 <body>
  <h1>403 Forbidden</h1>
  Image 1606d7b5-8334-4e0c-ac3f-e723802d7150 is protected and cannot be deleted.<br /><br />



 </body>
</html>`;

test("the reason is read from Glance's HTML pages and Keystone's JSON", () => {
  assert.equal(
    reasonOf(GLANCE_403),
    "Image 1606d7b5-8334-4e0c-ac3f-e723802d7150 is protected and cannot be deleted.",
  );
  assert.equal(
    reasonOf('{"error":{"code":401,"message":"The request you have made requires authentication."}}'),
    "The request you have made requires authentication.",
  );
  assert.equal(
    reasonOf("<h1>400 Bad Request</h1>Provided object does not match schema &#x27;image&#x27;<br />"),
    "Provided object does not match schema 'image'",
  );
});

test("statuses map to codes; quota messages are size errors whatever the status", () => {
  const ctx = { what: "upload image x", url: "http://g:9292/v2/images/x/file" };
  const codes = [401, 403, 404, 409, 413, 415, 500].map((status) => httpError(status, "", ctx).code);
  assert.deepEqual(codes, [
    "MPM_E_CLOUD_AUTH",
    "MPM_E_CLOUD_FORBIDDEN",
    "MPM_E_CLOUD_IMAGE_NOT_FOUND",
    "MPM_E_CLOUD_CONFLICT",
    "MPM_E_CLOUD_TOO_LARGE",
    "MPM_E_CLOUD_MEDIA_TYPE",
    "MPM_E_CLOUD_REQUEST",
  ]);
  const quota = httpError(
    400,
    "<h1>400</h1>Denying attempt to upload image because it exceeds the quota: 10<br />",
    ctx,
  );
  assert.equal(quota.code, "MPM_E_CLOUD_TOO_LARGE");
  assert.match(quota.message, /^upload image x: Denying attempt .* \(HTTP 400 from g:9292\)$/);
});

test("catalogue URLs lose their version suffix", () => {
  assert.equal(glanceRoot("http://g:9292/v2/"), "http://g:9292");
  assert.equal(glanceRoot("https://cloud/image/v2.1"), "https://cloud/image");
  assert.equal(glanceRoot("https://cloud/image"), "https://cloud/image");
});

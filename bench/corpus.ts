/** Realistic error bodies, as the Calling API, Graph and proxies in front of them send them. */
export const jsonBodies: readonly string[] = [
  JSON.stringify({ error: { message: "(#138006) No approved call permission found", type: "OAuthException", code: 138006, error_data: { messaging_product: "whatsapp", details: "No approved call permission from the recipient" }, fbtrace_id: "AbCdEf123GhIjK" } }),
  JSON.stringify({ error: { message: "(#138012) Business initiated calls limit hit", type: "OAuthException", code: 138012, error_subcode: 2494100, error_data: { messaging_product: "whatsapp", details: "Limit reached. Next call allowed at 1745622600" }, is_transient: false, fbtrace_id: "A1b2C3d4E5f6" } }),
  JSON.stringify({ error: { message: "(#138002) Concurrent calls limit", type: "OAuthException", code: 138002, error_data: { messaging_product: "whatsapp", details: "Too many concurrent calls" }, fbtrace_id: "Zz9Yy8Xx7" } }),
  JSON.stringify({ error: { message: "(#100) Invalid parameter", type: "OAuthException", code: 100, error_data: { messaging_product: "whatsapp", details: "Invalid SDP: missing a=fingerprint attribute in media section 0" }, error_user_title: "Invalid session", error_user_msg: "The session description is invalid.", fbtrace_id: "Qq1Ww2Ee3" } }),
  JSON.stringify({ error: { message: "Error validating access token: Session has expired on Tuesday, 22-Apr-25 10:00:00 PDT.", type: "OAuthException", code: 190, error_subcode: 463, fbtrace_id: "Tt5Rr4Ee3" } }),
  JSON.stringify({ error: { message: "(#613) Calls to this api have exceeded the rate limit.", type: "OAuthException", code: 613, fbtrace_id: "Rr1Ll2Mm3" } }),
  JSON.stringify({ error: { message: "(#131000) Something went wrong", type: "OAuthException", code: "131000", error_data: "Please retry", is_transient: true, fbtrace_id: "Ss1Ww2Ww3" }, __fb_trace_id__: "Ss1Ww2Ww3", __www_request_id__: "Wq1" }),
  JSON.stringify({ error: { message: "(#138099) New calling error", type: "OAuthException", code: 138099, fbtrace_id: "Uu1Nn2Kk3" } }),
];

const html = `<!DOCTYPE html><html lang="en" id="facebook"><head><title>Error</title><meta charset="utf-8"><style>${"body{font-family:Helvetica,Arial,sans-serif;margin:0}".repeat(20)}</style></head><body><div id="content"><h1>Sorry, something went wrong.</h1><p>We're working on getting this fixed as soon as we can.</p></div></body></html>`;

/** Bodies that are not JSON at all, or not whole JSON. */
export const nonJsonBodies: readonly string[] = [
  html,
  "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>",
  "upstream connect error or disconnect/reset before headers. reset reason: connection termination",
  '{"error":{"message":"(#138006) No approved call permission found","type":"OAuthExce',
];

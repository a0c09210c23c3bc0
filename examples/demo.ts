/** `npm run demo`: call pipelines against the embedded fake Calling API and its signed webhooks, then the decoding examples. */
import { runCallCentre } from "./call-centre.js";
import { runInboundFlow } from "./inbound-flow.js";
import { runInboundPipeline } from "./inbound-pipeline.js";
import { runOutboundFlow } from "./outbound-flow.js";
import { runOutboundPipeline } from "./outbound-pipeline.js";
import * as permissionDenied from "./permission-denied.js";
import * as pipeline from "./result-pipeline.js";
import * as tsPattern from "./ts-pattern.js";

console.log("== A call centre against the fake Calling API ==");
await runCallCentre((line) => console.log(`   ${line}`));
console.log("\n== Outbound call with signed webhooks ==");
await runOutboundFlow((line) => console.log(`   ${line}`));
console.log("\n== Inbound call with signed webhooks ==");
await runInboundFlow((line) => console.log(`   ${line}`));
console.log("\n== placeCall: webhooks → handler → event source → folded call state ==");
await runOutboundPipeline((line) => console.log(`   ${line}`));
console.log("\n== answerCall: answer in the window, follow to the end ==");
await runInboundPipeline((line) => console.log(`   ${line}`));
console.log("\n== Decoding and matching ==");
console.log("1. A 138006 answer to connect, matched exhaustively:");
console.log(`   -> ${permissionDenied.example()}`);
console.log("2. Permission check then connect, as a Result pipeline:");
for (const line of pipeline.example()) console.log(`   -> ${line}`);
console.log("3. Routing errors with ts-pattern:");
for (const line of tsPattern.example()) console.log(`   -> ${line}`);

// Allure 3 through its own API (what `allure generate` and `allure quality-gate` do, in one
// pass): read the results, evaluate the quality gate of the config per environment with
// Allure's QualityGate, put those results (and any global errors) into the report, write it.
// Needs Node >= 22 (the quality gate uses iterator helpers); the project's node_modules has it.
//
//   node tools/signoff/generate.mjs JOB.json
//
// JOB: { config, cwd, results: [dir], gateEnvironments: [envId], gateOut: path,
//        globalErrors: [message], gateOnly: bool }
import { readFileSync, writeFileSync } from "node:fs";
import { AllureReport, readConfig } from "@allurereport/core";

const job = JSON.parse(readFileSync(process.argv[2], "utf-8"));
// Allure's rule messages carry ANSI bold (meant for a terminal): stripped here, where they are
// made, so neither the report's data nor quality-gate.json holds an escape code
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
const plain = (text) => (typeof text === "string" ? text.replace(ANSI, "") : text);
const config = await readConfig(job.cwd, job.config, {});
if (job.gateOnly) {
  config.plugins = []; // like `allure quality-gate`: no report, no history line
  config.historyPath = undefined;
}
const report = new AllureReport(config);
await report.start();
for (const dir of job.results) {
  await report.readDirectory(dir);
}
const gate = {};
for (const environment of job.gateEnvironments ?? []) {
  const trs = await report.store.testResultsByEnvironmentId(environment, { includeRetries: false });
  const validated = await report.validate({ trs, environment });
  const results = validated.results.map((result) => ({ ...result, message: plain(result.message) }));
  gate[environment] = results.map(({ success, rule, message, actual, expected, testResults }) => ({
    success,
    rule,
    message,
    actual,
    expected,
    testResults,
  }));
  if (!job.gateOnly) {
    report.realtimeDispatcher.sendQualityGateResults(results);
  }
}
for (const message of job.globalErrors ?? []) {
  report.realtimeDispatcher.sendGlobalError({ message: plain(message) });
}
await report.done();
if (job.gateOut) {
  writeFileSync(job.gateOut, `${JSON.stringify(gate, null, 2)}\n`, "utf-8");
}

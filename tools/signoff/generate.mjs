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
  const { results } = await report.validate({ trs, environment });
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
  report.realtimeDispatcher.sendGlobalError({ message });
}
await report.done();
if (job.gateOut) {
  writeFileSync(job.gateOut, `${JSON.stringify(gate, null, 2)}\n`, "utf-8");
}

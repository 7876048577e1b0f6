// Allure 3 configuration: one self-contained HTML file, a trend kept across runs, and the
// categories a release manager reads first.
import { defineConfig } from "allure";

export default defineConfig({
  name: "HoneyHive SDK acceptance",
  output: "./reports/allure-report",
  // one JSON line per generate; lives outside the report folder so `make clean` keeps the trend
  historyPath: "./reports/history/history.jsonl",
  historyLimit: 50,
  plugins: {
    awesome: {
      options: {
        reportName: "HoneyHive SDK acceptance",
        singleFile: true,
        groupBy: ["epic", "feature", "story"],
      },
    },
  },
  categories: {
    rules: [
      {
        // first: a fixed defect still carries its @known_defect tag
        id: "fixed-known-defects",
        name: "Known defects that now pass (remove @known_defect)",
        matchers: { statuses: ["failed", "broken"], message: /\[XPASS\(strict\)\]/ },
      },
      {
        id: "known-sdk-defects",
        name: "Known SDK defects (strict expected failures)",
        matchers: { statuses: ["skipped"], labels: { tag: /^known_defect$/ } },
        groupByMessage: false,
        expand: true,
      },
      {
        id: "backend-defects",
        name: "Backend defects (server errors)",
        matchers: {
          statuses: ["failed", "broken"],
          message: /internal emulator error|status code: 5\d\d|HTTP 5\d\d|Internal Server Error/,
        },
      },
      {
        id: "test-infrastructure",
        name: "Test infrastructure failures",
        matchers: { statuses: ["broken"] },
        groupByMessage: true,
      },
      {
        id: "sdk-defects",
        name: "SDK defects (a scenario's expectation failed)",
        matchers: { statuses: ["failed"] },
        groupByMessage: true,
      },
    ],
  },
});

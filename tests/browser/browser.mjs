// Launching the system's Chromium with playwright-core, with the options both browser suites share
// (../chromium.mjs).
import { chromium } from "playwright-core";
import { launchOptions } from "../chromium.mjs";

export function launchBrowser() {
  return chromium.launch(launchOptions());
}

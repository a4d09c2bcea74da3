"""The status page (`GET /ui`) in a real browser: Debian's headless Chromium, driven by Selenium through
Debian's chromedriver. A connector created through the form runs, the pause button pauses it, a FAILED
task shows its trace, and what the API returns is shown as text (connector names are user input).

With TRIBUTARY_UI_SCREENSHOTS=<dir> the test saves the screenshots docs/ui.md shows (ui.png, ui-form.png,
ui-failed.png) there; otherwise into the test's temporary directory."""
import base64
import json
import os
import re
import uuid

import pytest
import requests
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import Worker, wait_until, write_lines

DATAGEN = "io.tributary.connect.datagen.DataGenConnector"
# A name a careless page would turn into an element (and run its handler, CSP permitting).
HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    # --no-sandbox: the tests run as root, where Chromium refuses its sandbox.
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,900", "--lang=en-US"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    yield driver
    driver.quit()


def until(driver, condition, what, timeout=30):
    """Waits for `condition(driver)` to be truthy; the page redraws its table every 2 s, so an element
    found a moment ago may have been replaced (retried)."""
    return WebDriverWait(driver, timeout, poll_frequency=0.1, ignored_exceptions=[StaleElementReferenceException]
                         ).until(condition, message=f"waiting for {what}")


def row(driver, name, task=None):
    sel = f'tr[data-connector="{name}"]' + (f'[data-task="{task}"]' if task is not None else ".connector")
    found = driver.find_elements(By.CSS_SELECTOR, sel)
    return found[0] if found else None


def page_state(driver, name, task=None):
    r = row(driver, name, task)
    return r and r.find_element(By.CSS_SELECTOR, ".task-state" if task is not None else ".connector-state").text


def click(driver, name, action):
    def go(d):
        r = row(d, name)
        if r is None:
            return False
        r.find_element(By.CSS_SELECTOR, f'button[data-action="{action}"]').click()
        return True
    until(driver, go, f"{action} button of {name}")


def rest_state(worker, name):
    r = worker.get(f"/connectors/{name}/status")
    return r.status_code == 200 and r.json()["connector"]["state"]


def screenshot(driver, tmp_path, name):
    target = os.environ.get("TRIBUTARY_UI_SCREENSHOTS") or str(tmp_path)
    driver.save_screenshot(os.path.join(target, name))


def csp_violations(driver):
    return [e["message"] for e in driver.get_log("browser") if "Content Security Policy" in e["message"]]


def test_status_page_creates_pauses_and_shows_failures(tmp_path, browser):
    w = Worker(tmp_path).with_registry()
    w.start()
    try:
        # A task that fails on its first record: the file source's strings refused by ByteArrayConverter.
        src = tmp_path / "lines.txt"
        write_lines(src, ["one", "two"])
        failing = {"connector.class": "FileStreamSource", "file": str(src), "topic": f"ui-bad-{w.id}",
                   "value.converter": "org.apache.kafka.connect.converters.ByteArrayConverter"}
        assert w.post("/connectors", {"name": HOSTILE, "config": failing}).status_code == 201

        browser.get(w.url + "/ui")
        until(browser, lambda d: page_state(d, HOSTILE, 0) == "FAILED", "the FAILED task on the page")
        # The hostile name is text in its cell, and nothing in the table became an element.
        assert row(browser, HOSTILE).find_element(By.CSS_SELECTOR, "td.name span").text == HOSTILE
        assert browser.find_elements(By.CSS_SELECTOR, "#connectors img") == []

        # The links to the registry's subjects and the proxy's topics go to this worker's listeners.
        links = {a.text: a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#links a")}
        assert links["Schema Registry subjects"] == w.sr_url + "/subjects"
        assert links["REST Proxy topics"] == w.proxy_url + "/topics"
        assert w.http.get(links["Schema Registry subjects"], timeout=10).json() == []

        # The form: the plugins of /connector-plugins; config/validate's errors next to their keys.
        browser.find_element(By.ID, "new").click()
        plugins = [o.get_attribute("value") for o in browser.find_elements(By.CSS_SELECTOR, "#plugin option")]
        assert plugins == [p["class"] for p in w.get("/connector-plugins").json()]
        Select(browser.find_element(By.ID, "plugin")).select_by_value(DATAGEN)
        browser.find_element(By.ID, "name").send_keys("orders")
        browser.find_element(By.ID, "save").click()
        problem = until(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '#problems li[data-key="kafka.topic"]'),
                        "the kafka.topic error")[0]
        assert 'Missing required configuration "kafka.topic" which has no default value.' in problem.text
        assert w.get("/connectors/orders").status_code == 404
        screenshot(browser, tmp_path, "ui-form.png")
        config = {"connector.class": DATAGEN, "kafka.topic": f"ui-orders-{w.id}", "tasks.max": "2",
                  "rate.per.second": "40"}
        area = browser.find_element(By.ID, "config")
        area.clear()
        area.send_keys(json.dumps(config, indent=2))
        browser.find_element(By.ID, "save").click()

        # Created: RUNNING by REST and on the page, with a rate from the task counters of /metrics.
        w.wait_running("orders", tasks=2)
        assert w.get("/connectors/orders/config").json() == {**config, "name": "orders"}
        until(browser, lambda d: page_state(d, "orders") == "RUNNING", "orders RUNNING on the page")
        until(browser, lambda d: re.fullmatch(r"[0-9.,]+", row(d, "orders").find_element(By.CSS_SELECTOR, "td.num").text)
              and float(row(d, "orders").find_element(By.CSS_SELECTOR, "td.num").text.replace(",", "")) > 0,
              "a records/s figure for orders")
        assert browser.find_element(By.ID, "message").text == "Created orders."
        screenshot(browser, tmp_path, "ui.png")

        # Pause: PAUSED by REST and on the page; the row then offers Resume.
        click(browser, "orders", "pause")
        wait_until(lambda: rest_state(w, "orders") == "PAUSED", what="orders PAUSED by REST")
        until(browser, lambda d: page_state(d, "orders") == "PAUSED", "orders PAUSED on the page")
        click(browser, "orders", "resume")
        wait_until(lambda: rest_state(w, "orders") == "RUNNING", what="orders RUNNING again")

        # Edit: the form holds the stored configuration under the fixed name; saving updates it.
        click(browser, "orders", "edit")
        area = until(browser, lambda d: d.find_element(By.ID, "editor").is_displayed() and d.find_element(By.ID, "config"),
                     "the editor")
        assert json.loads(area.get_attribute("value")) == config
        assert browser.find_element(By.ID, "name").get_attribute("readOnly") == "true"
        area.clear()
        area.send_keys(json.dumps({**config, "rate.per.second": "30"}))
        browser.find_element(By.ID, "save").click()
        wait_until(lambda: w.get("/connectors/orders/config").json().get("rate.per.second") == "30",
                   what="the edited configuration")
        until(browser, lambda d: d.find_element(By.ID, "message").text == "Saved orders.", "the saved message")

        # The FAILED task's trace, expanded.
        def open_trace(d):
            details = row(d, HOSTILE, 0).find_element(By.CSS_SELECTOR, "details.trace")
            if not details.get_attribute("open"):
                details.find_element(By.TAG_NAME, "summary").click()
            pre = details.find_element(By.TAG_NAME, "pre")
            return pre.is_displayed() and pre.get_attribute("textContent")
        trace = until(browser, open_trace, "the task's trace")
        assert "Invalid schema type for ByteArrayConverter: STRING" in trace
        assert trace == w.get(f"/connectors/{requests.utils.quote(HOSTILE, safe='')}/status").json()["tasks"][0]["trace"]
        screenshot(browser, tmp_path, "ui-failed.png")

        # Restart with its tasks, then delete (after the confirmation).
        click(browser, HOSTILE, "restart")
        click(browser, "orders", "delete")
        until(browser, EC.alert_is_present(), "the confirmation").accept()
        wait_until(lambda: w.get("/connectors/orders").status_code == 404, what="orders deleted")
        until(browser, lambda d: row(d, "orders") is None, "orders gone from the page")
        assert browser.find_element(By.ID, "message").text == "Deleted orders."
        assert browser.find_elements(By.CSS_SELECTOR, "#connectors img") == []
        assert csp_violations(browser) == []
    finally:
        w.stop()


def test_status_page_is_behind_the_apis_authentication(tmp_path, browser):
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "connect.password").write_text("ops=ops-secret\n")
    (secrets / "jaas.conf").write_text(
        "KafkaConnect {\n  org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule required\n"
        f'  file="{secrets / "connect.password"}";\n}};\n')
    w = Worker(tmp_path, extra={"rest.extension.classes": "BasicAuthSecurityRestExtension"},
               env={"KAFKA_OPTS": f"-Djava.security.auth.login.config={secrets / 'jaas.conf'}"})
    w.http.auth = ("ops", "ops-secret")
    w.start()
    try:
        # Refused without credentials: a browser is asked for them, an API client gets Kafka Connect's answer.
        page = requests.get(w.url + "/ui", headers={"Accept": "text/html,*/*;q=0.8"}, timeout=10)
        assert page.status_code == 401 and page.headers["WWW-Authenticate"].startswith('Basic realm="Kafka Connect"')
        assert page.text == "User cannot access the resource."
        api = requests.get(w.url + "/ui", timeout=10)
        assert api.status_code == 401 and "WWW-Authenticate" not in api.headers
        ok = w.get("/ui")
        assert ok.status_code == 200 and ok.headers["Content-Type"] == "text/html; charset=utf-8"
        # Another site's page cannot use the credentials the browser keeps: its write is refused.
        forged = w.http.post(w.url + "/connectors", timeout=10, headers={
            "Origin": "https://evil.example", "Content-Type": "text/plain"},
            data=json.dumps({"name": "forged", "config": {"connector.class": "DataGen", "kafka.topic": "x"}}))
        assert forged.status_code == 403, forged.text
        assert w.get("/connectors").json() == []

        # With credentials (sent by the browser on every request, as after its login prompt) the page works.
        assert w.post("/connectors", {"name": f"gen-{uuid.uuid4().hex[:6]}", "config": {
            "connector.class": "DataGen", "kafka.topic": f"ui-auth-{w.id}", "rate.per.second": "5"}}).status_code == 201
        token = base64.b64encode(b"ops:ops-secret").decode()
        browser.execute_cdp_cmd("Network.enable", {})
        browser.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {"Authorization": f"Basic {token}"}})
        browser.get(w.url + "/ui")
        until(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "tr.connector .state")
              and d.find_element(By.CSS_SELECTOR, "tr.connector .state").text == "RUNNING", "the connector RUNNING")
        assert browser.find_element(By.ID, "message").text == ""
    finally:
        w.stop()

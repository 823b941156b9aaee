// Account forms, made cheap to get right. Every page works without this
// script; with it:
// - after a failed submit, the cursor goes to the first field the server
//   refused, so keyboard and screen-reader users land on the problem;
// - fields are checked as the user leaves them, in the server's own words
//   (data-msg-required, data-msg-invalid, data-match + data-msg-mismatch,
//   written by haima.accounts.forms), shown where the server shows its
//   errors (the <id>_error box the input's aria-describedby names);
// - a username is looked up as it is typed (data-availability: the API's
//   username/availability), answering 可用 or 已被占用;
// - every password box gets a 显示/隐藏 button, and a new password a
//   弱/中/强 meter (data-strength), a hint only: the server decides;
// - a button with data-countdown counts its seconds down before it can be
//   pressed (the 重新发送 of the activation-mail page).
(function () {
  "use strict";

  // ---- Errors beside their fields -------------------------------------

  function errorBox(input, create) {
    var id = input.id + "_error";
    var box = document.getElementById(id);
    if (!box && create) {
      box = document.createElement("div");
      box.className = "field-errors";
      box.id = id;
      input.closest(".field").appendChild(box);
    }
    return box;
  }

  function describedBy(input, id, present) {
    var ids = (input.getAttribute("aria-describedby") || "").split(" ").filter(
      function (each) { return each && each !== id; }
    );
    if (present) { ids.push(id); }
    if (ids.length) {
      input.setAttribute("aria-describedby", ids.join(" "));
    } else {
      input.removeAttribute("aria-describedby");
    }
  }

  // Show ``message`` as the field's error (kind "error") or note ("ok"), or
  // clear it when ``message`` is empty.
  function say(input, message, kind) {
    var field = input.closest(".field");
    var box = errorBox(input, Boolean(message));
    var failed = Boolean(message) && kind !== "ok";
    field.classList.toggle("has-error", failed);
    if (failed) {
      input.setAttribute("aria-invalid", "true");
    } else {
      input.removeAttribute("aria-invalid");
    }
    if (!box) { return; }
    box.textContent = "";
    if (message) {
      var line = document.createElement("p");
      line.className = kind === "ok" ? "field-ok" : "field-error";
      line.textContent = message;
      box.appendChild(line);
    }
    describedBy(input, box.id, Boolean(message));
  }

  function problem(input) {
    var value = input.value;
    if (!value.trim() && input.dataset.msgRequired) {
      return input.dataset.msgRequired;
    }
    if (value && input.dataset.msgInvalid && input.validity.typeMismatch) {
      return input.dataset.msgInvalid;
    }
    if (input.dataset.match && value) {
      var other = input.form.elements[input.dataset.match];
      if (other && other.value && other.value !== value) {
        return input.dataset.msgMismatch;
      }
    }
    return "";
  }

  // Leaving an empty field for a link or a 显示 button is not finishing it:
  // 请输入… appearing then would move the link from under the pointer.
  function leftForElsewhere(event) {
    var next = event.relatedTarget;
    return Boolean(next) && (next.tagName === "A" || next.type === "button");
  }

  function checkAsTyped(input) {
    // Told once the user leaves the field; after that, re-checked as they
    // type so the message goes as soon as it is fixed.
    var told = false;
    input.addEventListener("blur", function (event) {
      if (input.dataset.availability) { return; }  // its own check, below
      if (!input.value && leftForElsewhere(event)) { return; }
      told = true;
      say(input, problem(input));
    });
    function recheck() {
      if (told && !problem(input)) { say(input, ""); }
    }
    input.addEventListener("input", recheck);
    if (input.dataset.match) {  // the confirmation follows its password
      input.form.elements[input.dataset.match].addEventListener("input", recheck);
    }
  }

  // ---- Username availability --------------------------------------------

  function checkAvailability(input) {
    var timer = null;
    var asked = "";

    function ask() {
      var name = input.value.trim();
      if (!name || name === asked) {
        if (!name && asked) { say(input, input.dataset.msgRequired); }
        return;
      }
      asked = name;
      var url = input.dataset.availability + "?username=" + encodeURIComponent(name);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (body) {
          if (input.value.trim() !== name) { return; }  // typed on since
          if (body.code === 200) {
            say(input, body.message, body.data.available ? "ok" : "error");
          } else if (body.data && body.data.errors && body.data.errors.username) {
            say(input, body.data.errors.username[0]);
          } else {
            say(input, "");  // limited or unreachable: the submit will tell
          }
        })
        .catch(function () { asked = ""; });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 500);
    });
    input.addEventListener("blur", function (event) {
      clearTimeout(timer);
      if (!input.value.trim()) {
        asked = "";
        if (!leftForElsewhere(event)) { say(input, input.dataset.msgRequired); }
        return;
      }
      ask();
    });
  }

  // ---- Passwords: 显示/隐藏 and 弱/中/强 ---------------------------------

  function addReveal(input) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "reveal";
    button.setAttribute("aria-controls", input.id);
    function show(visible) {
      input.type = visible ? "text" : "password";
      button.textContent = visible ? input.dataset.hide : input.dataset.show;
      button.setAttribute(
        "aria-label", visible ? input.dataset.hideLabel : input.dataset.showLabel
      );
    }
    button.addEventListener("click", function () {
      show(input.type === "password");
      input.focus();
    });
    show(false);
    // Moving a focused input drops its focus (and the page's autofocus may
    // have landed already): give it back.
    var focused = document.activeElement === input ||
      (input.autofocus && document.activeElement === document.body);
    var box = document.createElement("div");
    box.className = "password-box";
    input.parentNode.insertBefore(box, input);
    box.appendChild(input);
    box.appendChild(button);
    if (focused) { input.focus(); }
    // Shown as typed only while looked at: a submit hides it again, so the
    // browser's password manager sees a password field.
    input.form.addEventListener("submit", function () { show(false); });
  }

  // 0 weak, 1 medium, 2 strong: the kinds of characters mixed (lower,
  // upper, digits, others), with a point for 12 characters and one for 16.
  function strength(password) {
    var kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter(
      function (kind) { return kind.test(password); }
    ).length;
    if (password.length < 8 || /^[0-9]*$/.test(password)) { return 0; }
    var score = kinds + (password.length >= 12 ? 1 : 0) + (password.length >= 16 ? 1 : 0);
    return score >= 4 ? 2 : score === 3 ? 1 : 0;
  }

  function addMeter(input) {
    var levels = input.dataset.strengthLevels.split("|");
    var meter = document.createElement("p");
    meter.className = "strength";
    meter.id = input.id + "_strength";
    meter.setAttribute("aria-live", "polite");
    meter.hidden = true;
    var bar = document.createElement("span");
    bar.className = "strength-bar";
    bar.setAttribute("aria-hidden", "true");
    var text = document.createElement("span");
    meter.appendChild(bar);
    meter.appendChild(text);
    input.closest(".password-box").after(meter);
    function rate() {
      meter.hidden = !input.value;
      var level = strength(input.value);
      meter.dataset.level = level;
      text.textContent = input.dataset.strength.replace("%(level)s", levels[level]);
    }
    input.addEventListener("input", rate);
    rate();  // a password the server kept after another field's error
  }

  // ---- Countdown before a button can be pressed --------------------------

  function countDown(button) {
    var until = Date.now() + Number(button.dataset.countdown) * 1000;
    function tick() {
      var left = Math.ceil((until - Date.now()) / 1000);
      if (left > 0) {
        button.disabled = true;
        button.textContent = button.dataset.waitText.replace("%(s)s", left);
        setTimeout(tick, 1000);
      } else {
        button.disabled = false;
        button.textContent = button.dataset.readyText;
      }
    }
    tick();
  }

  // ---- Start ----------------------------------------------------------------

  function focusFirstError() {
    var field = document.querySelector(
      'form [aria-invalid="true"]:not([type="hidden"]):not([disabled])'
    );
    if (field) {
      field.focus();
      return;
    }
    var error = document.querySelector("form .form-error");
    if (error) {
      error.setAttribute("tabindex", "-1");
      error.focus();
    }
  }

  function start() {
    document.querySelectorAll("input[data-show]").forEach(addReveal);
    document.querySelectorAll("input[data-strength]").forEach(addMeter);
    document.querySelectorAll("input[data-availability]").forEach(checkAvailability);
    document.querySelectorAll(
      "input[data-msg-required], input[data-msg-invalid], input[data-match]"
    ).forEach(checkAsTyped);
    document.querySelectorAll("button[data-countdown]").forEach(countDown);
    focusFirstError();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

// SMS code forms ([data-sms-form]): 获取验证码 sends through the API instead of
// submitting the form, then counts down SMS_RESEND_COOLDOWN seconds before
// 重新发送. The end of the countdown is kept in localStorage, so a reload
// resumes it. Without this script the button submits the form (action=send).
(function () {
  "use strict";

  var STORE = "haima.sms.cooldown";
  // A refusal that asks to wait longer than this (an hourly or daily limit)
  // is told in words, not counted down on the button.
  var LONGEST_COUNTDOWN = 120;

  function saved(purpose) {
    try {
      var all = JSON.parse(localStorage.getItem(STORE) || "{}");
      return all[purpose] || null;
    } catch (error) { return null; }
  }

  function save(purpose, value) {
    try {
      var all = JSON.parse(localStorage.getItem(STORE) || "{}");
      all[purpose] = value;
      localStorage.setItem(STORE, JSON.stringify(all));
    } catch (error) { /* private mode: the countdown just won't survive a reload */ }
  }

  function setUp(form) {
    var button = form.querySelector("[data-sms-send]");
    var status = form.querySelector("[data-sms-status]");
    var phone = form.querySelector("input[name=phone]");
    var code = form.querySelector("input[name=code]");
    var captcha = form.querySelector("[data-captcha]");
    var answer = form.querySelector("input[name=captcha_1]");
    var purpose = button.dataset.purpose;
    var timer = null;

    function say(text, failed) {
      status.textContent = text || "";
      status.className = "sms-status" + (failed ? " fail" : "");
    }

    function countdown(until) {
      clearInterval(timer);
      function tick() {
        var left = Math.ceil((until - Date.now()) / 1000);
        if (left <= 0) {
          clearInterval(timer);
          button.disabled = false;
          button.textContent = button.dataset.resendText;
          return;
        }
        button.disabled = true;
        button.textContent = button.dataset.waitText.replace("%(s)s", left);
      }
      tick();
      timer = setInterval(tick, 1000);
    }

    // Where an error about an API field is shown: next to that field.
    function fieldFor(name) {
      if (name === "phone") { return phone.closest(".field"); }
      if (name.indexOf("captcha") === 0) {
        return form.querySelector("[data-sms-captcha-field]");
      }
      return null;
    }

    function clearErrors() {
      ["phone", "captcha"].forEach(function (name) {
        var field = fieldFor(name);
        if (!field) { return; }
        field.classList.remove("has-error");
        field.querySelectorAll(".field-error").forEach(function (p) { p.remove(); });
        field.querySelectorAll("[aria-invalid]").forEach(function (input) {
          input.removeAttribute("aria-invalid");
        });
      });
    }

    // Show each field's error next to it; return the rest as one message.
    function showErrors(body) {
      var errors = (body.data && body.data.errors) || {};
      var rest = [];
      var first = null;
      Object.keys(errors).forEach(function (name) {
        var field = fieldFor(name);
        if (!field) { rest.push(errors[name][0]); return; }
        var p = document.createElement("p");
        p.className = "field-error";
        p.setAttribute("role", "alert");
        p.textContent = errors[name][0];
        field.appendChild(p);
        field.classList.add("has-error");
        var input = field.querySelector("input:not([type=hidden])");
        if (input) {
          input.setAttribute("aria-invalid", "true");
          first = first || input;
        }
      });
      if (first) { first.focus(); }
      if (!Object.keys(errors).length) { rest.push(body.message); }
      return rest.join(" ");
    }

    function send() {
      var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
      button.disabled = true;
      clearErrors();
      say("", false);
      fetch("/api/v1/sms/send", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        body: JSON.stringify({
          phone: phone.value,
          purpose: purpose,
          captcha_key: form.querySelector("input[name=captcha_0]").value,
          captcha_answer: answer ? answer.value : ""
        })
      }).then(function (response) {
        return response.json();
      }).then(function (body) {
        // Sending spends the captcha, right or wrong, once the phone is valid
        // (it is checked first): a refused phone leaves the answer to reuse.
        var phoneRefused = body.data && body.data.errors && body.data.errors.phone;
        if (captcha && !phoneRefused) {
          // Emptied at once, so moving the focus on does not make captcha.js
          // pre-check a spent answer (and show ✗) while the new one loads.
          if (answer) { answer.value = ""; }
          captcha.dispatchEvent(new CustomEvent("captcha:refresh"));
        }
        if (body.code === 200) {
          var until = Date.now() + body.data.cooldown * 1000;
          save(purpose, { until: until, phone: phone.value });
          say(status.dataset.sentText, false);
          countdown(until);
          if (code) { code.focus(); }
        } else {
          button.disabled = false;
          say(showErrors(body), true);
          var wait = body.data && body.data.retry_after;
          if (wait && wait <= LONGEST_COUNTDOWN) {
            countdown(Date.now() + wait * 1000);
          }
        }
      }).catch(function () {
        button.disabled = false;
        say(status.dataset.errorText, true);
      });
    }

    // A click must not blur the captcha answer first: captcha.js would
    // pre-check the answer this send is about to spend, racing with it.
    button.addEventListener("mousedown", function (event) { event.preventDefault(); });
    button.addEventListener("click", function (event) {
      event.preventDefault();
      send();
    });

    // Enter goes on through the steps: phone, captcha, then 获取验证码 while
    // no code is typed. With a code, Enter submits the form as usual.
    phone.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && answer) {
        event.preventDefault();
        answer.focus();
      }
    });
    if (answer) {
      answer.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && code && !code.value && !button.disabled) {
          event.preventDefault();
          send();
        }
      });
    }

    // Verifying leaves this page: a redirect when the code was right, the
    // form again with errors when not. Only then does the countdown go on.
    form.addEventListener("submit", function (event) {
      if (event.submitter && event.submitter.value === "send") { return; }
      var kept = saved(purpose);
      if (kept) { kept.verifying = true; save(purpose, kept); }
    });

    var server = parseInt(button.dataset.cooldown, 10) || 0;
    var kept = saved(purpose);
    var failed = form.querySelector(".field-error, .form-error");
    if (server > 0) {
      var until = Date.now() + server * 1000;
      save(purpose, { until: until, phone: phone.value });
      countdown(until);
    } else if (kept && kept.verifying && !failed) {
      save(purpose, null);  // signed in or bound: that code is used up
    } else if (kept && kept.until > Date.now()) {
      kept.verifying = false;
      save(purpose, kept);
      if (!phone.value) { phone.value = kept.phone; }
      countdown(kept.until);
    }
  }

  document.querySelectorAll("[data-sms-form]").forEach(setUp);
})();

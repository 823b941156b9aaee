// SMS code forms ([data-sms-form]): 获取验证码 sends through the API instead of
// submitting the form, then counts down SMS_RESEND_COOLDOWN seconds before
// 重新发送. The end of the countdown is kept in localStorage, so a reload
// resumes it. Without this script the button submits the form (action=send).
(function () {
  "use strict";

  var STORE = "haima.sms.cooldown";

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

    function firstError(body) {
      var errors = body.data && body.data.errors;
      if (!errors) { return body.message; }
      var field = Object.keys(errors)[0];
      return errors[field][0];
    }

    button.addEventListener("click", function (event) {
      event.preventDefault();
      var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
      button.disabled = true;
      fetch("/api/v1/sms/send", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        body: JSON.stringify({
          phone: phone.value,
          purpose: purpose,
          captcha_key: form.querySelector("input[name=captcha_0]").value,
          captcha_answer: form.querySelector("input[name=captcha_1]").value
        })
      }).then(function (response) {
        return response.json();
      }).then(function (body) {
        // Sending spent the captcha, whatever the answer.
        if (captcha) { captcha.dispatchEvent(new CustomEvent("captcha:refresh")); }
        if (body.code === 200) {
          var until = Date.now() + body.data.cooldown * 1000;
          save(purpose, { until: until, phone: phone.value });
          say(status.dataset.sentText, false);
          countdown(until);
          if (code) { code.focus(); }
        } else {
          button.disabled = false;
          say(firstError(body), true);
          if (body.data && body.data.retry_after) {
            countdown(Date.now() + body.data.retry_after * 1000);
          }
        }
      }).catch(function () {
        button.disabled = false;
        say(status.dataset.errorText, true);
      });
    });

    var server = parseInt(button.dataset.cooldown, 10) || 0;
    var kept = saved(purpose);
    if (server > 0) {
      var until = Date.now() + server * 1000;
      save(purpose, { until: until, phone: phone.value });
      countdown(until);
    } else if (kept && kept.until > Date.now()) {
      if (!phone.value) { phone.value = kept.phone; }
      countdown(kept.until);
    }
  }

  document.querySelectorAll("[data-sms-form]").forEach(setUp);
})();

// Captcha widgets ([data-captcha]): the image is a 看不清？换一张 button that
// loads a new captcha; leaving the answer box pre-checks it and shows ✓ or ✗.
// A wrong answer spends the captcha on the server, so a new one is loaded at
// once.
//
// A submit never races a pre-check: none starts when the focus leaves for a
// submit button (the form's POST checks the answer itself), and a submit
// while one is in flight waits for it; if the answer was wrong, the submit
// stops and the message stands beside the new image.
(function () {
  "use strict";

  function csrfToken(form) {
    var input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function isSubmitButton(element, form) {
    return !!element && element.form === form && element.type === "submit";
  }

  function setUp(widget) {
    var image = widget.querySelector("[data-captcha-image]");
    var key = widget.querySelector("input[type=hidden]");
    var answer = widget.querySelector("input[type=text]");
    var status = widget.querySelector("[data-captcha-status]");
    var button = widget.querySelector("[data-captcha-refresh]");
    var form = widget.closest("form");
    if (!image) { return; }  // refused (too many captchas): nothing to refresh
    if (widget.dataset.captchaReady) { return; }  // the script came twice
    widget.dataset.captchaReady = "1";

    var pending = null;  // a pre-check in flight: a promise of "may submit"
    var checked = { key: "", answer: "" };  // the last pair sent to be checked

    if (button) {
      button.disabled = false;
      var words = button.querySelector("[data-captcha-refresh-text]");
      if (words) { words.hidden = false; }
    }

    function show(text, state) {
      status.textContent = text;
      status.className = "captcha-status" + (state ? " " + state : "");
    }

    // The server's error for this captcha, from the POST that drew the page:
    // stale once a newer check has its own result.
    function clearServerErrors() {
      var field = widget.closest(".field, .form-row");
      if (!field) { return; }
      field.querySelectorAll(".field-errors, .field-error, .errorlist").forEach(function (error) {
        if (!widget.contains(error)) { error.remove(); }
      });
      field.classList.remove("has-error");
      answer.removeAttribute("aria-invalid");
    }

    function refresh() {
      return fetch("/api/v1/captcha", { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (body) {
          if (!body.data) { show(body.message, "fail"); return; }  // e.g. 429
          key.value = body.data.key;
          image.src = body.data.image_url;
          answer.value = "";
          checked = { key: "", answer: "" };
        })
        .catch(function () {});
    }

    function check() {
      var pair = { key: key.value, answer: answer.value.trim() };
      if (!pair.answer || (pair.key === checked.key && pair.answer === checked.answer)) {
        return;
      }
      checked = pair;
      var request = fetch("/api/v1/captcha/check", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(form) },
        body: JSON.stringify({ key: pair.key, answer: pair.answer })
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (key.value !== pair.key) { return true; }  // a newer captcha is shown
          if (response.ok) {
            clearServerErrors();
            show("✓ " + widget.dataset.okText, "ok");
            return true;
          }
          var errors = body && body.data && body.data.errors;
          var message = errors && errors.captcha && errors.captcha[0];
          if (!message) { return true; }  // not about the answer: the server decides
          clearServerErrors();
          show("✗ " + message, "fail");
          return refresh().then(function () { return false; });
        });
      }).catch(function () {
        return true;  // no answer: the form's POST checks the captcha itself
      }).then(function (mayGoOn) {
        if (pending === request) { pending = null; }
        return mayGoOn;
      });
      pending = request;
    }

    // Other scripts ask for a new captcha after an action spent this one.
    widget.addEventListener("captcha:refresh", function () { show("", ""); refresh(); });

    if (button) {
      // A pointer on the button leaves the focus in the answer box: no
      // pre-check of the answer about to be thrown away.
      button.addEventListener("mousedown", function (event) { event.preventDefault(); });
      button.addEventListener("click", function (event) {
        show("", "");
        refresh().then(function () {
          // A pointer goes on to type; a keyboard may want one more.
          if (event.detail > 0) { answer.focus(); }
        });
      });
    }

    answer.addEventListener("input", function () {
      if (status.classList.contains("ok")) { show("", ""); }  // ✓ was for another answer
    });

    answer.addEventListener("blur", function (event) {
      if (isSubmitButton(event.relatedTarget, form)) { return; }
      check();
    });

    if (form) {
      form.addEventListener("submit", function (event) {
        if (!pending) { return; }
        event.preventDefault();
        var submitter = event.submitter;
        pending.then(function (mayGoOn) {
          if (!mayGoOn) { answer.focus(); return; }
          if (submitter && isSubmitButton(submitter, form)) {
            form.requestSubmit(submitter);
          } else {
            form.requestSubmit();
          }
        });
      });
    }
  }

  document.querySelectorAll("[data-captcha]").forEach(setUp);
})();

/* "Scan with camera" (templates/partials/camera_button.html and camera_panel.html).
 *
 * Shown only where the browser has a camera API. The picture is read by the browser's own
 * BarcodeDetector where it reads EAN-13, EAN-8, Code 128 and QR, else by the vendored ZXing
 * (static/vendor/zxing/, loaded on first use). A code read goes to the target element as a
 * "gudang:scan" event (the document form handles it as a hardware scanner's Enter); an element
 * that does not handle it gets the code typed in and its form sent (the product search).
 * A code counts once each time it comes into the picture: it must have been out of it for
 * AWAY_MS before it counts again, so holding a barcode in view counts it once.
 */
(function () {
  "use strict";

  var gettext = window.gettext || function (text) { return text; };
  var interpolate = window.interpolate || function (text, values) {
    return text.replace("%s", values[0]);
  };
  var media = navigator.mediaDevices;
  if (!media || typeof media.getUserMedia !== "function") {
    return; // no camera API (or not a secure context): the button stays hidden
  }
  var FORMATS = ["ean_13", "ean_8", "code_128", "qr_code"];
  var INTERVAL_MS = 150; // between two looks at the picture
  var AWAY_MS = 600;
  var detector = null; // one reader for the page: a promise of function(video) -> promise of codes

  function nativeDetector() {
    var Detector = window.BarcodeDetector;
    if (typeof Detector !== "function") {
      return Promise.resolve(null);
    }
    return Promise.resolve(Detector.getSupportedFormats()).then(function (formats) {
      var all = FORMATS.every(function (format) { return formats.indexOf(format) >= 0; });
      if (!all) {
        return null; // ZXing reads the four
      }
      var reader = new Detector({ formats: FORMATS });
      return function (video) {
        return reader.detect(video).then(function (codes) {
          return codes.map(function (code) { return code.rawValue; });
        });
      };
    }, function () {
      return null;
    });
  }

  function loadScript(url) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = url;
      script.onload = resolve;
      script.onerror = function () {
        var error = new Error(gettext("The barcode reader could not be loaded. Check the connection and try again."));
        error.forUser = true;
        reject(error);
      };
      document.head.appendChild(script);
    });
  }

  function zxingDetector(url) {
    return (window.ZXing ? Promise.resolve() : loadScript(url)).then(function () {
      var ZXing = window.ZXing;
      var kinds = ZXing.BarcodeFormat;
      var hints = new Map();
      hints.set(ZXing.DecodeHintType.POSSIBLE_FORMATS, [kinds.EAN_13, kinds.EAN_8, kinds.CODE_128, kinds.QR_CODE]);
      hints.set(ZXing.DecodeHintType.TRY_HARDER, true);
      var reader = new ZXing.MultiFormatReader();
      reader.setHints(hints);
      var canvas = document.createElement("canvas");
      var context = canvas.getContext("2d", { willReadFrequently: true });
      return function (video) {
        var scale = Math.min(1, 800 / video.videoWidth); // a smaller picture reads faster
        canvas.width = Math.round(video.videoWidth * scale);
        canvas.height = Math.round(video.videoHeight * scale);
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        var source = new ZXing.HTMLCanvasElementLuminanceSource(canvas);
        try {
          return Promise.resolve([reader.decodeWithState(new ZXing.BinaryBitmap(new ZXing.HybridBinarizer(source))).getText()]);
        } catch (error) {
          // No code in this picture, or one that did not read cleanly: try the next picture.
          if (error instanceof ZXing.NotFoundException || error instanceof ZXing.ChecksumException ||
              error instanceof ZXing.FormatException) {
            return Promise.resolve([]);
          }
          throw error;
        } finally {
          reader.reset();
        }
      };
    });
  }

  function getDetector(url) {
    if (!detector) {
      detector = nativeDetector().then(function (native) {
        return native || zxingDetector(url);
      });
      detector.catch(function () {
        detector = null; // the next start tries again
      });
    }
    return detector;
  }

  function cameraMessage(error) {
    if (error && error.name === "NotAllowedError") {
      return gettext("The camera may not be used: allow it for this site in the browser's settings.");
    }
    if (error && (error.name === "NotFoundError" || error.name === "OverconstrainedError")) {
      return gettext("No camera was found.");
    }
    return error && error.forUser ? error.message : gettext("The camera could not be started.");
  }

  function setup(button) {
    var target = document.getElementById(button.dataset.cameraScan);
    var panel = document.getElementById("camera-panel-" + button.dataset.cameraScan);
    if (!target || !panel) {
      return;
    }
    var video = panel.querySelector(".camera-video");
    var status = panel.querySelector(".camera-status");
    var stream = null;
    var timer = null;
    var lastSeen = {}; // code -> when it was last in the picture

    function say(text, isError) {
      status.textContent = text;
      status.classList.toggle("text-danger", Boolean(isError));
    }

    function show(on) {
      panel.hidden = !on;
      button.setAttribute("aria-expanded", on ? "true" : "false");
      button.classList.toggle("active", on);
      document.body.classList.toggle("camera-on", on);
    }

    function stop() {
      window.clearInterval(timer);
      timer = null;
      if (stream) {
        stream.getTracks().forEach(function (track) { track.stop(); });
      }
      stream = null;
      video.srcObject = null;
      lastSeen = {};
    }

    function fail(error) {
      stop();
      show(true); // the panel stays open with the reason; "Stop camera" closes it
      say(cameraMessage(error), true);
    }

    function feed(code) {
      say(interpolate(gettext("Read: %s"), [code]));
      if (navigator.vibrate) {
        navigator.vibrate(60);
      }
      var event = new CustomEvent("gudang:scan", { bubbles: true, cancelable: true, detail: { code: code } });
      if (target.dispatchEvent(event) && target.form) {
        stop();
        show(false);
        target.value = code;
        target.form.requestSubmit();
      }
    }

    function look(detect) {
      var busy = false;
      timer = window.setInterval(function () {
        if (busy || video.readyState < 2 || !video.videoWidth) {
          return;
        }
        busy = true;
        Promise.resolve(video).then(detect).then(function (codes) {
          busy = false;
          var now = Date.now();
          codes.forEach(function (code) {
            var last = lastSeen[code];
            lastSeen[code] = now;
            if (timer !== null && (last === undefined || now - last > AWAY_MS)) {
              feed(code);
            }
          });
        }, fail);
      }, INTERVAL_MS);
    }

    function start() {
      show(true);
      say(gettext("Starting the camera…"));
      media.getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false })
        .then(function (camera) {
          stream = camera;
          video.srcObject = camera;
          return Promise.all([getDetector(button.dataset.decoder), video.play()]);
        })
        .then(function (results) {
          if (!stream) {
            return; // stopped while starting
          }
          say(gettext("Point the camera at a barcode."));
          look(results[0]);
        })
        .catch(fail);
    }

    button.hidden = false;
    button.addEventListener("click", function () {
      if (panel.hidden) {
        start();
      } else {
        stop();
        show(false);
      }
    });
    panel.querySelector(".camera-stop").addEventListener("click", function () {
      stop();
      show(false);
    });
    // Leaving the page, or hiding it, lets the camera go.
    window.addEventListener("pagehide", stop);
    document.addEventListener("visibilitychange", function () {
      if (document.hidden && stream) {
        stop();
        show(false);
      }
    });
  }

  document.querySelectorAll("[data-camera-scan]").forEach(setup);
})();

/* Gudang: the print view's "Print" button opens the browser's print dialog (where "Save as PDF"
   is one of the printers). A script file of its own: the CSP allows no inline script. */
(function () {
  "use strict";

  var button = document.getElementById("print-button");
  if (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  }
})();

/* The role editor (Django admin): the warehouse list of a right shows only while the right
   is granted "on chosen warehouses". Without this script every list stays visible. */
(function () {
  "use strict";

  function sync(select) {
    var list = select.parentNode.querySelector(".role-warehouses");
    if (list) { list.hidden = select.value !== "chosen"; }
  }

  document.querySelectorAll("#role-matrix select[data-role-mode]").forEach(function (select) {
    sync(select);
    select.addEventListener("change", function () { sync(select); });
  });
})();

/** English strings of phones (the smartphone guide) and wall tablets (BEY-1). Merged into `en`. */
export const mobileEn = {
  'mobile.needsComputer': 'Configuring the web server and the system is done from a computer; on a phone, use the display pages (devices and consumptions).',
  'mobile.histogram': 'Histogram',
  'mobile.data': 'Data',
  'mobile.when': 'Period',
  'mobile.measureGroup': 'Measure group',
  'mobile.noLoadInGroup': 'No load has a device in this measure group.',
  'mobile.device': 'Device',
};

/** Draws an image given as bytes (height × width × channels, grey or RGB) onto a canvas at its own size. */
export function drawPixels(canvas: HTMLCanvasElement, pixels: ArrayLike<number>, [height, width, channels]: readonly [number, number, number]): void {
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d')!;
  const image = context.createImageData(width, height);
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++) image.data[p * 4 + c] = pixels[p * channels + (channels === 3 ? c : 0)]!;
    image.data[p * 4 + 3] = 255;
  }
  context.putImageData(image, 0, 0);
}

/*
 * mp_crc16.h - CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final xor.
 * Check value: mp_crc16("123456789", 9) == 0x29B1.
 */
#ifndef MP_CRC16_H
#define MP_CRC16_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MP_CRC16_INIT 0xFFFFu

/* Continue a CRC over more bytes (start with MP_CRC16_INIT). */
uint16_t mp_crc16_update(uint16_t crc, const uint8_t *data, size_t len);

/* CRC-16/CCITT-FALSE of `len` bytes. */
uint16_t mp_crc16(const uint8_t *data, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* MP_CRC16_H */
